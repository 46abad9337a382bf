package dev.igme.link;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a link is put in front of people; lowercase in JSON and on the attribution event. */
public enum Channel {
    PACKAGING, BILLBOARD, TV, STORE, WEB, EMAIL, SMS, SOCIAL, OTHER;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the known channels */
    @JsonCreator
    public static Channel of(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("channel must be one of " + known());
        }
    }

    public static String known() {
        return Arrays.stream(values()).map(Channel::json).toList().toString();
    }
}
