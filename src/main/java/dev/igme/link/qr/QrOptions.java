package dev.igme.link.qr;

import java.util.Locale;

import dev.igme.platform.api.InvalidField;

/**
 * How a link's QR code is drawn: the image's side in pixels, the error-correction level and the
 * quiet zone (margin) in modules. Build it from request parameters with
 * {@link #parse(Integer, String, Integer)}, which applies the defaults and names the field at fault.
 *
 * @param size   the side of the square image in pixels, {@value #MIN_SIZE}..{@value #MAX_SIZE}
 * @param ecc    the error-correction level
 * @param margin the quiet zone around the code in modules, 0..{@value #MAX_MARGIN}
 */
public record QrOptions(int size, Ecc ecc, int margin) {

    public static final int DEFAULT_SIZE = 512;
    public static final int MIN_SIZE = 64;
    public static final int MAX_SIZE = 4096;
    /** Four modules is the quiet zone the QR specification asks for. */
    public static final int DEFAULT_MARGIN = 4;
    public static final int MAX_MARGIN = 16;
    public static final Ecc DEFAULT_ECC = Ecc.M;

    /** The defaults: {@value #DEFAULT_SIZE} px, level M, a margin of {@value #DEFAULT_MARGIN} modules. */
    public static final QrOptions DEFAULTS = new QrOptions(DEFAULT_SIZE, DEFAULT_ECC, DEFAULT_MARGIN);

    /** Error-correction levels: roughly 7, 15, 25 and 30 % of the code may be damaged and still read. */
    public enum Ecc {
        L, M, Q, H
    }

    /**
     * A parameter that cannot be used, with the name of the request field to blame and a sentence
     * for the client: the API answers it with 400 and {@code {"error": message, "field": field}}.
     */
    public static final class Invalid extends InvalidField {

        private static final long serialVersionUID = 1L;

        /** {@code field} is the request field at fault: {@code size}, {@code ecc}, {@code margin} or {@code target}. */
        public Invalid(String field, String message) {
            super(field, message);
        }
    }

    public QrOptions {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new Invalid("size", "size must be between " + MIN_SIZE + " and " + MAX_SIZE + " pixels");
        }
        if (ecc == null) {
            throw new Invalid("ecc", "ecc must be one of L, M, Q, H");
        }
        if (margin < 0 || margin > MAX_MARGIN) {
            throw new Invalid("margin", "margin must be between 0 and " + MAX_MARGIN + " modules");
        }
    }

    /**
     * Options from request parameters; a null (or, for {@code ecc}, blank) parameter takes its
     * default. The level is read case-insensitively.
     *
     * @throws Invalid naming {@code size}, {@code ecc} or {@code margin} when one is out of range
     */
    public static QrOptions parse(Integer size, String ecc, Integer margin) {
        return new QrOptions(
                size == null ? DEFAULT_SIZE : size,
                ecc == null || ecc.isBlank() ? DEFAULT_ECC : ecc(ecc),
                margin == null ? DEFAULT_MARGIN : margin);
    }

    private static Ecc ecc(String value) {
        try {
            return Ecc.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid("ecc", "ecc must be one of L, M, Q, H");
        }
    }
}
