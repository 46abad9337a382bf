package dev.igme.link.qr;

import java.util.Locale;

/** Which URL a link's QR code carries: the tracked URL (the default) or the direct ig.me URL. */
public enum QrTarget {
    TRACKED, DIRECT;

    /**
     * The {@code target} request parameter, {@code tracked} or {@code direct} in any case; null or
     * blank is {@link #TRACKED}.
     *
     * @throws QrOptions.Invalid naming {@code target} for any other value
     */
    public static QrTarget parse(String value) {
        if (value == null || value.isBlank()) {
            return TRACKED;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "tracked" -> TRACKED;
            case "direct" -> DIRECT;
            default -> throw new QrOptions.Invalid("target", "target must be tracked or direct");
        };
    }
}
