package dev.igme.reply.rules;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.igme.attribution.AttributionEvent;
import dev.igme.attribution.Scenario;
import dev.igme.graph.QuickReply;

/**
 * Which ref gets which reply; the shape {@code /api/v1/reply-rules} and the rules file take. Optional
 * fields may be null on input; {@link RuleValidator#validate} fills in the defaults. {@code couponPool}
 * names the coupon pool a {@code {coupon}} in the text takes its code from (null: no coupon).
 */
public record ReplyRule(
        Long id,
        String name,
        Match match,
        List<Scenario> scenarios,
        List<String> accounts,
        Integer priority,
        Long cooldownSeconds,
        Boolean enabled,
        Message message,
        List<String> campaigns,
        List<String> channels,
        List<String> links,
        String couponPool) {

    /** A rule with a coupon and no campaign, channel or link condition. */
    public ReplyRule(Long id, String name, Match match, List<Scenario> scenarios, List<String> accounts, Integer priority,
            Long cooldownSeconds, Boolean enabled, Message message, String couponPool) {
        this(id, name, match, scenarios, accounts, priority, cooldownSeconds, enabled, message, null, null, null,
                couponPool);
    }

    /** A rule without a coupon. */
    public ReplyRule(Long id, String name, Match match, List<Scenario> scenarios, List<String> accounts, Integer priority,
            Long cooldownSeconds, Boolean enabled, Message message, List<String> campaigns, List<String> channels,
            List<String> links) {
        this(id, name, match, scenarios, accounts, priority, cooldownSeconds, enabled, message, campaigns, channels,
                links, null);
    }

    public enum MatchType { EXACT, PREFIX, GLOB }

    /** A rule that matches on the ref alone (no campaign, channel or link condition). */
    public ReplyRule(Long id, String name, Match match, List<Scenario> scenarios, List<String> accounts,
            Integer priority, Long cooldownSeconds, Boolean enabled, Message message) {
        this(id, name, match, scenarios, accounts, priority, cooldownSeconds, enabled, message, null, null, null, null);
    }

    /**
     * Rules are read strictly: a misspelt field ("cooldown") is refused rather than silently
     * ignored. The application's shared mapper stays lenient, as event consumers must be.
     */
    public static ObjectReader strictReader(ObjectMapper mapper, Type type) {
        return mapper.readerFor(mapper.constructType(type)).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** For {@code @CustomDeserialization} on the API's methods. */
    public static final class StrictReader implements BiFunction<ObjectMapper, Type, ObjectReader> {
        @Override
        public ObjectReader apply(ObjectMapper mapper, Type type) {
            return strictReader(mapper, type);
        }
    }

    /** How the ref is matched; GLOB takes {@code *} for any run of characters. */
    public record Match(MatchType type, String pattern, Boolean caseInsensitive) {

        boolean matches(String ref) {
            if (ref == null) {
                return false;
            }
            boolean ignoreCase = Boolean.TRUE.equals(caseInsensitive);
            return switch (type) {
                case EXACT -> ignoreCase ? ref.equalsIgnoreCase(pattern) : ref.equals(pattern);
                case PREFIX -> ref.regionMatches(ignoreCase, 0, pattern, 0, pattern.length());
                case GLOB -> glob(pattern, ignoreCase).matcher(ref).matches();
            };
        }

        private static Pattern glob(String glob, boolean ignoreCase) {
            String[] literals = glob.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < literals.length; i++) {
                if (i > 0) {
                    regex.append(".*");
                }
                if (!literals[i].isEmpty()) {
                    regex.append(Pattern.quote(literals[i]));
                }
            }
            int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
            return Pattern.compile(regex.toString(), flags);
        }
    }

    /** The reply: text with {placeholders}, and optional quick replies. */
    public record Message(String text, List<QuickReply> quickReplies) {
    }

    /**
     * Whether this (validated) rule applies to the attribution: enabled, its scenario and account,
     * its ref matched by {@code match} (when the rule has one), and its link's campaign, channel and
     * id among the rule's (each list, when not empty). A rule with link conditions applies only to
     * refs whose signature verified: the event carries a link only then.
     */
    public boolean appliesTo(AttributionEvent event) {
        return Boolean.TRUE.equals(enabled)
                && scenarios.contains(event.scenario())
                && (accounts.isEmpty() || accounts.contains(event.igAccountId()))
                && (match == null || match.matches(event.ref()))
                && among(campaigns, event.campaign())
                && among(channels, event.channel())
                && among(links, event.linkId());
    }

    /** No condition (an empty list), or a value that is listed (immutable lists refuse to look for null). */
    private static boolean among(List<String> allowed, String value) {
        return allowed.isEmpty() || (value != null && allowed.contains(value));
    }

    String describe() {
        return "'" + name + "'" + (match == null ? "" : " (" + match.type().name().toLowerCase(Locale.ROOT) + " "
                + match.pattern() + ")");
    }
}
