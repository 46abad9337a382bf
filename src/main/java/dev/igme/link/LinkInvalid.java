package dev.igme.link;

import dev.igme.platform.api.InvalidField;

/** A campaign or link the API refuses: {@link #field()} names what to fix. */
public final class LinkInvalid extends InvalidField {

    private static final long serialVersionUID = 1L;

    public LinkInvalid(String field, String message) {
        super(field, field + " " + message);
    }
}
