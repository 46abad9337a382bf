package dev.igme.testing;

import java.util.List;

import dev.igme.link.ref.RefCodec;
import dev.igme.link.ref.RefKeys;

/**
 * The ref keys of the test profile ({@code %test.igme.links.signing-keys} = {@link #CURRENT},
 * {@link #PREVIOUS}: the first signs, both verify) and one the service does not know.
 */
public final class Refs {

    public static final String CURRENT = "t2:Po4aI9+H3s+NtzMmggtkMBd2WmzbP/cdYyPHjkRlv7w=";
    public static final String PREVIOUS = "t1:b8dnakKiHLEBCvqXMscF+OVcjAFDo/9XhF7AKORj+qI=";
    public static final String UNKNOWN = "t9:0VvF3mgHAd7kurTWjEFUrhrhWoA4r0rjBk3E+FIxB7Q=";

    private Refs() {
    }

    /** What the service reads refs with. */
    public static RefCodec service() {
        return new RefCodec(RefKeys.parse(List.of(CURRENT, PREVIOUS)));
    }

    /** Signs with that key alone (e.g. the rotated-out {@link #PREVIOUS}, or {@link #UNKNOWN}). */
    public static RefCodec signingWith(String key) {
        return new RefCodec(RefKeys.parse(List.of(key)));
    }
}
