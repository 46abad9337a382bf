package dev.igme.link.redirect;

import java.util.List;
import java.util.Locale;

/**
 * What the redirect learns of a visitor from the User-Agent alone: a coarse device class, and
 * whether it is a link-preview bot (counted apart, never as a click). Pure; nothing else of the
 * request (no address) is looked at.
 */
public record Visitor(Device device, String bot) {

    public enum Device { IOS, ANDROID, DESKTOP, OTHER }

    /** Link-preview fetchers and crawlers, by a word of their User-Agent (lowercase). */
    static final List<String> BOTS = List.of("facebookexternalhit", "facebot", "meta-externalagent", "whatsapp",
            "slackbot", "slack-imgproxy", "twitterbot", "telegrambot", "discordbot", "linkedinbot", "skypeuripreview",
            "pinterest", "redditbot", "embedly", "vkshare", "iframely", "googlebot", "bingbot", "applebot",
            "yandexbot", "duckduckbot", "baiduspider", "petalbot", "mastodon", "bot/", "crawler", "spider");

    public boolean isBot() {
        return bot != null;
    }

    public static Visitor of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return new Visitor(Device.OTHER, null);
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        for (String bot : BOTS) {
            if (ua.contains(bot)) {
                return new Visitor(Device.OTHER, bot.replace("/", ""));
            }
        }
        Device device = ua.contains("iphone") || ua.contains("ipad") || ua.contains("ipod") ? Device.IOS
                : ua.contains("android") ? Device.ANDROID
                : ua.contains("windows") || ua.contains("macintosh") || ua.contains("x11") || ua.contains("cros")
                        ? Device.DESKTOP
                : Device.OTHER;
        return new Visitor(device, null);
    }
}
