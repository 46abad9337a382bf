package dev.igme.link;

/** A campaign or link the API refuses: {@link #field()} names what to fix. */
public final class LinkInvalid extends RuntimeException {

    private final String field;

    public LinkInvalid(String field, String message) {
        super(field + " " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
