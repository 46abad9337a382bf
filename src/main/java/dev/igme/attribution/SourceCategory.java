package dev.igme.attribution;

import java.util.Locale;
import java.util.Set;

/**
 * The referral {@code source} mapped to what it means. Meta's pages name the ig.me source four
 * ways; the raw string is always kept beside this, and anything new maps to {@link #UNKNOWN}.
 */
public enum SourceCategory {
    SHORTLINK, ADS, PRODUCT, UNKNOWN;

    private static final Set<String> SHORTLINK_NAMES = Set.of("SHORTLINK", "SHORTLINKS", "IGME-SOURCE-LINK", "SHORT-URL");

    public static SourceCategory of(String source, String adId, String productId) {
        if (source != null) {
            String normalized = source.strip().toUpperCase(Locale.ROOT);
            if (SHORTLINK_NAMES.contains(normalized)) {
                return SHORTLINK;
            }
            if (normalized.equals("ADS")) {
                return ADS;
            }
        }
        if (adId != null) {
            return ADS;
        }
        if (source == null && productId != null) {
            return PRODUCT;
        }
        return UNKNOWN;
    }
}
