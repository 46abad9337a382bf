package dev.igme.console;

import jakarta.ws.rs.core.NewCookie;

/**
 * What a coupon upload did, carried from the form's {@code POST} to the page its redirect opens in a
 * cookie that lives for a minute and is cleared when the page is shown: {@code <pool>.<added>.<duplicates>}.
 * Same-site and scoped to the console, so only this browser's own upload can set it.
 */
record UploadFlash(long pool, long added, long duplicates) {

    static final String COOKIE = "igme-console-upload";
    private static final int SECONDS = 60;

    /** The upload, or null when the value is missing or not three non-negative numbers. */
    static UploadFlash parse(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            UploadFlash flash = new UploadFlash(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            return flash.pool() < 0 || flash.added() < 0 || flash.duplicates() < 0 ? null : flash;
        } catch (NumberFormatException notNumbers) {
            return null;
        }
    }

    NewCookie cookie(boolean secure) {
        return cookie(pool + "." + added + "." + duplicates, SECONDS, secure);
    }

    /** Removes the cookie once its message has been shown (or when it could not be read). */
    static NewCookie cleared(boolean secure) {
        return cookie("", 0, secure);
    }

    private static NewCookie cookie(String value, int maxAge, boolean secure) {
        return new NewCookie.Builder(COOKIE).value(value).path(Pages.ROOT).maxAge(maxAge).httpOnly(true)
                .secure(secure).sameSite(NewCookie.SameSite.STRICT).build();
    }
}
