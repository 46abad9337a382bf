package dev.igme.link.ref;

/** What a ref turned out to be when the normalizer read it ({@code refStatus} on the attribution event). */
public enum RefStatus {
    /** Minted with a configured key, unaltered, not expired. */
    VERIFIED,
    /** In this service's format, but altered: the tag does not match, or a field does not decode. */
    TAMPERED,
    /** Verified, but its expiry had passed when the user followed it. */
    EXPIRED,
    /** In this service's format, signed with a key id that is not configured (rotated out, or another deployment's). */
    UNKNOWN_KEY,
    /** Not in this service's format: typed by hand, or minted elsewhere. */
    FOREIGN
}
