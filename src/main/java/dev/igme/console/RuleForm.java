package dev.igme.console;

import java.util.ArrayList;
import java.util.List;

import org.jboss.resteasy.reactive.RestForm;

import dev.igme.attribution.Scenario;
import dev.igme.graph.QuickReply;
import dev.igme.reply.rules.ReplyRule;
import dev.igme.reply.rules.RuleValidator;

/**
 * The rule form as posted. Lists (accounts, campaigns, channels, links) are typed comma-separated;
 * numbers that are not numbers are refused here with the field named, everything else is checked
 * by the service.
 */
public class RuleForm {

    @RestForm
    public String name;
    @RestForm("match.type")
    public String matchType;
    @RestForm("match.pattern")
    public String pattern;
    @RestForm("match.caseInsensitive")
    public boolean caseInsensitive;
    @RestForm
    public List<String> scenarios;
    @RestForm
    public String accounts;
    @RestForm
    public String campaigns;
    @RestForm
    public String channels;
    @RestForm
    public String links;
    @RestForm
    public String priority;
    @RestForm
    public String cooldownSeconds;
    @RestForm
    public boolean enabled;
    @RestForm("message.text")
    public String text;
    @RestForm
    public String couponPool;
    /** Quick reply buttons, one per line: {@code title | payload} (a line without {@code |} is its own payload). */
    @RestForm("message.quickReplies")
    public String quickReplies;

    FormState state() {
        return new FormState().set("name", name).set("match.type", matchType).set("match.pattern", pattern)
                .set("match.caseInsensitive", caseInsensitive)
                .set("scenarios", scenarios == null ? "" : String.join(",", scenarios)).set("accounts", accounts)
                .set("campaigns", campaigns).set("channels", channels).set("links", links).set("priority", priority)
                .set("cooldownSeconds", cooldownSeconds).set("enabled", enabled).set("message.text", text)
                .set("couponPool", couponPool).set("message.quickReplies", quickReplies);
    }

    /** The quick replies typed in the form, in order; blank lines skipped. */
    List<QuickReply> quickReplies() {
        List<QuickReply> result = new ArrayList<>();
        if (quickReplies != null) {
            for (String line : quickReplies.split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                int bar = line.indexOf('|');
                String title = (bar < 0 ? line : line.substring(0, bar)).strip();
                String payload = bar < 0 ? title : line.substring(bar + 1).strip();
                result.add(new QuickReply(title, payload));
            }
        }
        return result;
    }

    /** The form's lines for stored quick replies. */
    static String quickReplyLines(List<QuickReply> quickReplies) {
        StringBuilder lines = new StringBuilder();
        for (QuickReply q : quickReplies == null ? List.<QuickReply>of() : quickReplies) {
            lines.append(q.title()).append(q.payload().equals(q.title()) ? "" : " | " + q.payload()).append('\n');
        }
        return lines.toString();
    }

    /** The rule to store; throws {@link RuleValidator.InvalidRule}-like refusals through the service. */
    ReplyRule rule(Long id) {
        return rule(id, null);
    }

    /**
     * The rule to store; {@code stored} are the rule's quick replies so far. When the box still
     * holds exactly what the form showed for them, they are kept as they are: a title with a
     * {@code |} or a payload with a line break (possible through the API) does not survive the
     * round trip through lines, and an admin who only switched something else must not change them.
     */
    ReplyRule rule(Long id, List<QuickReply> stored) {
        String typed = this.quickReplies == null ? "" : this.quickReplies.replace("\r\n", "\n").strip();
        List<QuickReply> quickReplies = stored != null && quickReplyLines(stored).strip().equals(typed) ? stored
                : quickReplies();
        ReplyRule.Match match = blank(matchType) && blank(pattern) ? null
                : new ReplyRule.Match(matchType(), pattern, caseInsensitive);
        List<Scenario> chosen = new ArrayList<>();
        if (scenarios != null) {
            for (String s : scenarios) {
                try {
                    chosen.add(Scenario.valueOf(s));
                } catch (IllegalArgumentException e) {
                    throw new Refused("scenarios", "scenarios must be some of " + List.of(Scenario.values()));
                }
            }
        }
        return new ReplyRule(id, name, match, chosen, list(accounts), number("priority", priority, Integer::valueOf),
                number("cooldownSeconds", cooldownSeconds, Long::valueOf), enabled,
                new ReplyRule.Message(text, quickReplies), list(campaigns), list(channels), list(links),
                blank(couponPool) ? null : couponPool.strip());
    }

    private ReplyRule.MatchType matchType() {
        if (blank(matchType)) {
            return null;
        }
        try {
            return ReplyRule.MatchType.valueOf(matchType.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static <N> N number(String field, String value, java.util.function.Function<String, N> parse) {
        if (blank(value)) {
            return null;
        }
        try {
            return parse.apply(value.strip());
        } catch (NumberFormatException e) {
            throw new Refused(field, field + " must be a whole number");
        }
    }

    private static List<String> list(String value) {
        List<String> values = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip());
                }
            }
        }
        return values;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** A field the form cannot even turn into a rule (a number that is not one, an unknown scenario). */
    static final class Refused extends RuntimeException {
        final String field;

        Refused(String field, String message) {
            super(message);
            this.field = field;
        }
    }
}
