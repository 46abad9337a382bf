package dev.igme.attribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.conversation.ConversationTouch;
import dev.igme.link.ref.RefCodec;
import dev.igme.link.ref.RefStatus;
import dev.igme.platform.Hashes;

/**
 * Reads one webhook delivery and says what it means: the referrals in it, the conversation
 * clocks it moves, and the items it could not make sense of. Pure (no I/O, no clock), tolerant of
 * the variants Meta's pages disagree on, and never throws for bad input: a delivery that cannot
 * be read at all comes back as {@link Result#deliveryError()}, a bad item as a {@link Rejection},
 * and every good item of the same delivery is still returned.
 */
public final class ReferralNormalizer {

    /** The characters and length Meta supports in a ref. A ref breaking it is kept, flagged. */
    static final Pattern VALID_REF = Pattern.compile("[A-Za-z0-9_=-]{1,2083}");
    /** Meta's ids are numeric strings; anything else is refused before it reaches an index. */
    static final Pattern VALID_ID = Pattern.compile("[0-9A-Za-z_.:-]{1,128}");
    /** Below this a timestamp is in seconds (until the year 5138), above it in milliseconds. */
    private static final long SECONDS_LIMIT = 100_000_000_000L;
    /** Longest message id used as the attribution id itself; longer ones are hashed. */
    private static final int MAX_MID_AS_ID = 256;

    private final ObjectMapper mapper;
    private final RefCodec refs;

    public ReferralNormalizer(ObjectMapper mapper, RefCodec refs) {
        this.mapper = mapper;
        this.refs = refs;
    }

    /** What one delivery contained. */
    public record Result(String deliveryError, List<AttributionEvent> attributions,
            List<ConversationTouch> touches, List<Rejection> rejections, int ignoredItems) {

        static Result unreadable(String reason) {
            return new Result(reason, List.of(), List.of(), List.of(), 0);
        }

        /** The same result with these attributions instead (enriched after a lookup). */
        public Result withAttributions(List<AttributionEvent> events) {
            return new Result(deliveryError, events, touches, rejections, ignoredItems);
        }

        public boolean readable() {
            return deliveryError == null;
        }
    }

    /** An item that could not be read, with where it was and why. */
    public record Rejection(String path, String reason, byte[] item) {
    }

    public Result normalize(byte[] body, String deliveryId, Instant receivedAt) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return Result.unreadable("not valid JSON: " + oneLine(e));
        }
        if (root == null || !root.isObject()) {
            return Result.unreadable("not a JSON object");
        }
        JsonNode object = root.get("object");
        if (object == null || !"instagram".equals(object.asText(null))) {
            return Result.unreadable("\"object\" is " + (object == null ? "missing" : object.toString())
                    + ", expected \"instagram\"");
        }
        JsonNode entries = root.get("entry");
        if (entries == null || !entries.isArray()) {
            return Result.unreadable("\"entry\" is missing or not an array");
        }

        Collector out = new Collector(deliveryId, receivedAt);
        for (int e = 0; e < entries.size(); e++) {
            JsonNode entry = entries.get(e);
            String entryPath = "entry[" + e + "]";
            if (!entry.isObject()) {
                out.reject(entryPath, "entry is not an object", entry);
                continue;
            }
            String entryId = text(entry.get("id"));
            items(entry, "messaging", entryPath, false, false, out);
            items(entry, "standby", entryPath, true, false, out);
            JsonNode changes = entry.get("changes");
            if (changes != null && changes.isArray()) {
                // The App Dashboard's "Test" button sends this shape, with entry id "0".
                boolean test = entryId == null || entryId.equals("0");
                for (int c = 0; c < changes.size(); c++) {
                    JsonNode change = changes.get(c);
                    String path = entryPath + ".changes[" + c + "].value";
                    JsonNode value = change.isObject() ? change.get("value") : null;
                    if (value == null || !value.isObject()) {
                        out.reject(entryPath + ".changes[" + c + "]", "change has no object \"value\"", change);
                    } else {
                        item(value, path, false, test, out);
                    }
                }
            }
        }
        return new Result(null, out.attributions, out.touches, out.rejections, out.ignored);
    }

    private void items(JsonNode entry, String field, String entryPath, boolean standby, boolean test, Collector out) {
        JsonNode list = entry.get(field);
        if (list == null) {
            return;
        }
        if (!list.isArray()) {
            out.reject(entryPath + "." + field, "\"" + field + "\" is not an array", list);
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            item(list.get(i), entryPath + "." + field + "[" + i + "]", standby, test, out);
        }
    }

    private void item(JsonNode item, String path, boolean standby, boolean test, Collector out) {
        if (!item.isObject()) {
            out.reject(path, "item is not an object", item);
            return;
        }
        JsonNode message = objectOrNull(item.get("message"));
        JsonNode postback = objectOrNull(item.get("postback"));
        JsonNode referral = objectOrNull(item.get("referral"));
        JsonNode reaction = objectOrNull(item.get("reaction"));

        boolean echo = message != null && message.path("is_echo").asBoolean(false);
        boolean deleted = message != null && message.path("is_deleted").asBoolean(false);
        boolean interaction = (message != null && !deleted) || postback != null || referral != null || reaction != null;
        if (!interaction) {
            out.ignored++; // read receipts, seen, edits, deletions, opt-ins: nothing to record
            return;
        }

        String sender = text(item.path("sender").get("id"));
        String recipient = text(item.path("recipient").get("id"));
        Instant at = timestamp(item.get("timestamp"));
        String problem = sender == null ? "sender.id is missing"
                : !VALID_ID.matcher(sender).matches() ? "sender.id is not an id"
                : recipient == null ? "recipient.id is missing"
                : !VALID_ID.matcher(recipient).matches() ? "recipient.id is not an id"
                : at == null ? "timestamp is missing or not a number" : null;
        if (problem != null) {
            out.reject(path, problem, item);
            return;
        }

        if (echo) {
            // The business spoke: sender is the account, recipient the user. A referral here is not one.
            if (!test) {
                out.touches.add(new ConversationTouch(sender, recipient, at, ConversationTouch.Kind.BUSINESS));
            }
            return;
        }
        if (!test) {
            out.touches.add(new ConversationTouch(recipient, sender, at, ConversationTouch.Kind.INBOUND));
        }

        if (message != null && !deleted && objectOrNull(message.get("referral")) != null) {
            out.attribution(Scenario.NEW_THREAD_MESSAGE, message.get("referral"), text(message.get("mid")),
                    null, null, recipient, sender, at, standby, test);
        } else if (postback != null && objectOrNull(postback.get("referral")) != null) {
            out.attribution(Scenario.ICEBREAKER_POSTBACK, postback.get("referral"), text(postback.get("mid")),
                    text(postback.get("title")), text(postback.get("payload")), recipient, sender, at, standby, test);
        } else if (referral != null && message == null && postback == null) {
            out.attribution(Scenario.EXISTING_THREAD_REFERRAL, referral, null, null, null,
                    recipient, sender, at, standby, test);
        }
    }

    /** Collects the results of one delivery. */
    private final class Collector {
        final String deliveryId;
        final Instant receivedAt;
        final List<AttributionEvent> attributions = new ArrayList<>();
        final List<ConversationTouch> touches = new ArrayList<>();
        final List<Rejection> rejections = new ArrayList<>();
        int ignored;

        Collector(String deliveryId, Instant receivedAt) {
            this.deliveryId = deliveryId;
            this.receivedAt = receivedAt;
        }

        void reject(String path, String reason, JsonNode item) {
            byte[] bytes;
            try {
                bytes = mapper.writeValueAsBytes(item);
            } catch (JsonProcessingException e) {
                bytes = item.toString().getBytes(StandardCharsets.UTF_8);
            }
            rejections.add(new Rejection(path, reason, bytes));
        }

        void attribution(Scenario scenario, JsonNode referral, String mid, String title, String payload,
                String account, String user, Instant at, boolean standby, boolean test) {
            String ref = text(referral.get("ref"));
            String source = text(referral.get("source"));
            String adId = text(referral.get("ad_id"));
            String productId = text(referral.path("product").get("id"));
            JsonNode adsContext = objectOrNull(referral.get("ads_context_data"));
            String id = mid != null
                    ? (mid.length() <= MAX_MID_AS_ID ? mid : "sha256:" + Hashes.sha256Hex(mid))
                    : "sha256:" + Hashes.sha256Hex(account, user, Long.toString(at.toEpochMilli()), nullToEmpty(ref), nullToEmpty(source));
            RefCodec.Decoded decoded = ref == null ? null : refs.decode(ref, at);
            RefCodec.Parts parts = decoded == null ? null : decoded.parts();
            attributions.add(new AttributionEvent(AttributionEvent.SCHEMA_VERSION, id, scenario, scenario.newThread(),
                    account, user, ref, ref != null && VALID_REF.matcher(ref).matches(), source,
                    SourceCategory.of(source, adId, productId), text(referral.get("type")), mid, title, payload,
                    adId, adsContext, productId, at, receivedAt, deliveryId, standby, test,
                    parts == null ? null : parts.linkId(), null, null,
                    decoded != null && decoded.status() == RefStatus.VERIFIED ? parts.externalId() : null,
                    parts == null ? null : parts.clickId(), decoded == null ? null : decoded.status()));
        }
    }

    /** A text value, from a string or a number; null when absent or of another type. NULs replaced. */
    static String text(JsonNode node) {
        if (node == null || !(node.isTextual() || node.isNumber())) {
            return null;
        }
        return withoutNul(node.asText());
    }

    /** PostgreSQL text cannot hold U+0000: it becomes U+FFFD (and a ref holding it is then invalid). */
    private static String withoutNul(String value) {
        return value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
    }

    /** Milliseconds or seconds, as a number or a numeric string (the dashboard test sends seconds as text). */
    static Instant timestamp(JsonNode node) {
        if (node == null) {
            return null;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.asLong();
        } else if (node.isTextual()) {
            try {
                value = Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        if (value <= 0) {
            return null;
        }
        return value < SECONDS_LIMIT ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }


    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
