package dev.igme.platform.api;

/**
 * A value a caller gave that cannot be used, with the field to blame and a sentence for the client.
 * Features throw their own subclasses (a link, a rule, a coupon pool, ice breakers, QR options);
 * under {@code /api} every one of them is answered 400 with {@code field} by the one mapper in
 * {@link ApiExceptionMappers}. Outside HTTP (rule files, ice breaker files) the message is what is
 * logged.
 */
public class InvalidField extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    protected InvalidField(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The request field at fault. */
    public String field() {
        return field;
    }
}
