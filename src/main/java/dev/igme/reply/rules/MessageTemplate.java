package dev.igme.reply.rules;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.igme.attribution.AttributionEvent;

/**
 * Fills a rule's text with values of the attribution: {ref}, {igsid}, {account}, {scenario},
 * {source}, {postbackTitle}, {postbackPayload}, {campaign}, {channel} (of a verified link ref), and
 * {coupon}: a code taken from the pool the rule names in {@code couponPool} when the reply is
 * recorded. An absent value becomes the empty string.
 */
public final class MessageTemplate {

    /** The placeholder filled with a code from the rule's coupon pool. */
    public static final String COUPON = "coupon";
    static final Set<String> PLACEHOLDERS = Set.of("ref", "igsid", "account", "scenario", "source", "postbackTitle",
            "postbackPayload", "campaign", "channel", COUPON);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private MessageTemplate() {
    }

    /** Placeholders in the text that do not exist, or null when all are known. */
    static String unknownPlaceholder(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return m.group();
            }
        }
        return null;
    }

    /** Whether the text asks for a coupon code. */
    public static boolean usesCoupon(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (COUPON.equals(m.group(1))) {
                return true;
            }
        }
        return false;
    }

    public static String render(String text, AttributionEvent event) {
        return render(text, event, null);
    }

    /** The text with every placeholder filled in one pass: a value is never read as a placeholder itself. */
    public static String render(String text, AttributionEvent event, String coupon) {
        Map<String, String> values = new java.util.HashMap<>();
        values.put("ref", event.ref());
        values.put("igsid", event.igsid());
        values.put("account", event.igAccountId());
        values.put("scenario", event.scenario().name());
        values.put("source", event.source());
        values.put("postbackTitle", event.postbackTitle());
        values.put("postbackPayload", event.postbackPayload());
        values.put("campaign", event.campaign());
        values.put("channel", event.channel());
        values.put(COUPON, coupon);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.containsKey(m.group(1)) ? values.get(m.group(1)) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
