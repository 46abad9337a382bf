package dev.igme.reply.rules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.igme.attribution.Scenario;
import dev.igme.graph.QuickReply;
import dev.igme.link.Channel;
import dev.igme.platform.api.InvalidField;

/** Checks a rule as a platform team wrote it and fills in defaults; says which field is wrong and why. */
public final class RuleValidator {

    public static final int MAX_TEXT_BYTES = 1000;
    public static final int MAX_QUICK_REPLIES = 13;
    public static final int MAX_QUICK_REPLY_TITLE = 20;
    public static final int MAX_QUICK_REPLY_PAYLOAD = 1000;
    public static final long MAX_COOLDOWN_SECONDS = 30L * 24 * 3600;
    public static final int MAX_POOL_NAME = 100;

    /** A rule that cannot be accepted: {@link #field()} names what to fix. */
    public static final class InvalidRule extends InvalidField {
        private static final long serialVersionUID = 1L;

        InvalidRule(String field, String message) {
            super(field, field + " " + message);
        }
    }

    private RuleValidator() {
    }

    public static ReplyRule validate(ReplyRule rule) {
        if (rule == null) {
            throw new InvalidRule("rule", "is missing");
        }
        String name = require("name", rule.name());
        if (name.length() > 100) {
            throw new InvalidRule("name", "is longer than 100 characters");
        }
        List<String> campaigns = strings("campaigns", rule.campaigns(), "campaign ids");
        List<String> links = strings("links", rule.links(), "link ids");
        List<String> channels = strings("channels", rule.channels(), "channels");
        for (int i = 0; i < channels.size(); i++) {
            try {
                channels.set(i, Channel.of(channels.get(i)).json());
            } catch (IllegalArgumentException e) {
                throw new InvalidRule("channels[" + i + "]", "must be one of " + Channel.known());
            }
        }
        ReplyRule.Match match = rule.match();
        boolean linkConditions = !campaigns.isEmpty() || !links.isEmpty() || !channels.isEmpty();
        if (match == null && !linkConditions) {
            throw new InvalidRule("match", "is missing: {\"type\": \"EXACT|PREFIX|GLOB\", \"pattern\": \"...\"}"
                    + " (or give campaigns, channels or links to match on)");
        }
        ReplyRule.Match checkedMatch = match == null ? null : checkedMatch(match);
        if (rule.scenarios() != null && (rule.scenarios().isEmpty() || rule.scenarios().stream().anyMatch(java.util.Objects::isNull))) {
            throw new InvalidRule("scenarios", "must list at least one of " + List.of(Scenario.values()) + ", or be omitted for all");
        }
        List<Scenario> scenarios = rule.scenarios() == null ? List.of(Scenario.values()) : List.copyOf(rule.scenarios());
        if (rule.accounts() != null && rule.accounts().stream().anyMatch(a -> a == null || a.isBlank())) {
            throw new InvalidRule("accounts", "must hold IG account ids (or be empty for all accounts)");
        }
        List<String> accounts = rule.accounts() == null ? List.of() : List.copyOf(rule.accounts());
        long cooldown = rule.cooldownSeconds() == null ? 0 : rule.cooldownSeconds();
        if (cooldown < 0 || cooldown > MAX_COOLDOWN_SECONDS) {
            throw new InvalidRule("cooldownSeconds", "must be between 0 and " + MAX_COOLDOWN_SECONDS + " (30 days)");
        }
        ReplyRule.Message message = rule.message();
        if (message == null) {
            throw new InvalidRule("message", "is missing: {\"text\": \"...\"}");
        }
        String text = require("message.text", message.text());
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TEXT_BYTES) {
            throw new InvalidRule("message.text", "is " + bytes + " bytes; the Send API takes at most " + MAX_TEXT_BYTES
                    + " UTF-8 bytes");
        }
        String unknown = MessageTemplate.unknownPlaceholder(text);
        if (unknown != null) {
            throw new InvalidRule("message.text", "has the unknown placeholder " + unknown + "; known: "
                    + MessageTemplate.PLACEHOLDERS.stream().sorted().map(p -> "{" + p + "}").toList());
        }
        String couponPool = couponPool(rule.couponPool(), text);
        List<QuickReply> quickReplies = message.quickReplies() == null ? List.of() : message.quickReplies();
        if (quickReplies.size() > MAX_QUICK_REPLIES) {
            throw new InvalidRule("message.quickReplies", "has " + quickReplies.size() + " entries; at most "
                    + MAX_QUICK_REPLIES + " are allowed");
        }
        List<QuickReply> checked = new ArrayList<>();
        for (int i = 0; i < quickReplies.size(); i++) {
            QuickReply q = quickReplies.get(i);
            String field = "message.quickReplies[" + i + "]";
            if (q == null) {
                throw new InvalidRule(field, "is missing");
            }
            String title = require(field + ".title", q.title());
            if (title.codePointCount(0, title.length()) > MAX_QUICK_REPLY_TITLE) {
                throw new InvalidRule(field + ".title", "is longer than " + MAX_QUICK_REPLY_TITLE
                        + " characters (Instagram would cut it)");
            }
            String payload = require(field + ".payload", q.payload());
            if (payload.length() > MAX_QUICK_REPLY_PAYLOAD) {
                throw new InvalidRule(field + ".payload", "is longer than " + MAX_QUICK_REPLY_PAYLOAD + " characters");
            }
            checked.add(new QuickReply(title, payload));
        }
        return new ReplyRule(rule.id(), name,
                checkedMatch,
                scenarios, accounts, rule.priority() == null ? 0 : rule.priority(), cooldown,
                rule.enabled() == null || rule.enabled(), new ReplyRule.Message(text, List.copyOf(checked)),
                List.copyOf(campaigns), List.copyOf(channels), List.copyOf(links), couponPool);
    }

    private static ReplyRule.Match checkedMatch(ReplyRule.Match match) {
        if (match.type() == null) {
            throw new InvalidRule("match.type", "is missing: one of EXACT, PREFIX, GLOB");
        }
        String pattern = require("match.pattern", match.pattern());
        if (pattern.length() > 2083) {
            throw new InvalidRule("match.pattern", "is longer than a ref can be (2083 characters)");
        }
        return new ReplyRule.Match(match.type(), pattern, Boolean.TRUE.equals(match.caseInsensitive()));
    }

    /** A list of non-blank values, empty when absent. */
    private static List<String> strings(String field, List<String> values, String what) {
        if (values == null) {
            return new ArrayList<>();
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                throw new InvalidRule(field + "[" + i + "]", "must be one of the " + what + " (or leave the list out)");
            }
        }
        return new ArrayList<>(values.stream().map(String::strip).toList());

    }

    /**
     * A text with {coupon} needs a pool to take the code from, and a pool is only named by a rule
     * that hands out its codes: either way round, {@code couponPool} is the field to fix. Whether
     * the pool exists is checked where the rule is stored ({@link CouponPoolNames}).
     */
    private static String couponPool(String pool, String text) {
        boolean wanted = MessageTemplate.usesCoupon(text);
        if (pool == null || pool.isBlank()) {
            if (wanted) {
                throw new InvalidRule("couponPool", "is missing: message.text has {" + MessageTemplate.COUPON
                        + "}, so the rule must name the coupon pool its codes come from");
            }
            return null;
        }
        if (!wanted) {
            throw new InvalidRule("couponPool", "is set but message.text has no {" + MessageTemplate.COUPON
                    + "} to put the code in");
        }
        String name = pool.strip();
        if (name.length() > MAX_POOL_NAME) {
            throw new InvalidRule("couponPool", "is longer than " + MAX_POOL_NAME + " characters");
        }
        return name;
    }

    private static String require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRule(field, "is missing or blank");
        }
        return value;
    }
}
