package dev.igme.stats;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import dev.igme.reply.outbox.ReplyStatus;

/**
 * The funnel and the top refs as CSV: a header row, then one line per row, columns in a fixed
 * order (new columns only ever go at the end). Reply outcomes get one column per reason of
 * {@link ReplyStatus}, {@code skipped_<REASON>} and {@code failed_<REASON>}, zeros included.
 */
public final class StatsCsv {

    public static final String TEXT_CSV = "text/csv";

    /** Quotes a value only when it needs it (by default Jackson quotes every value past 24 characters). */
    private static final CsvMapper MAPPER = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .build();

    private StatsCsv() {
    }

    /** The funnel's columns, in order. */
    public static List<String> funnelColumns() {
        List<String> columns = new ArrayList<>(List.of("key", "campaign", "channel", "link", "label", "day", "clicks",
                "botClicks", "conversations", "icebreakerTaps", "typedMessages", "existingThreadReferrals",
                "newThreads", "existingThreads", "referralsFromClicks", "conversion", "repliesSent", "repliesPending"));
        for (ReplyStatus status : ReplyStatus.values()) {
            if (status.isFinal() && status != ReplyStatus.SENT) {
                columns.add(status.name().startsWith("SKIPPED_") ? "skipped_" + status.name().substring(8)
                        : "failed_" + status.name().substring(7));
            }
        }
        columns.addAll(List.of("couponsIssued", "clickToReferralP50", "clickToReferralP95", "referralToReplyP50",
                "referralToReplyP95", "boundIdentities"));
        return columns;
    }

    public static String funnel(List<FunnelRow> rows) {
        List<Map<String, Object>> lines = new ArrayList<>(rows.size());
        for (FunnelRow r : rows) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("key", r.key());
            line.put("campaign", r.campaign());
            line.put("channel", r.channel());
            line.put("link", r.link());
            line.put("label", r.label());
            line.put("day", r.day());
            line.put("clicks", r.clicks());
            line.put("botClicks", r.botClicks());
            line.put("conversations", r.conversations());
            line.put("icebreakerTaps", r.scenarios().icebreakerTaps());
            line.put("typedMessages", r.scenarios().typedMessages());
            line.put("existingThreadReferrals", r.scenarios().existingThreadReferrals());
            line.put("newThreads", r.newThreads());
            line.put("existingThreads", r.existingThreads());
            line.put("referralsFromClicks", r.referralsFromClicks());
            line.put("conversion", r.conversion());
            line.put("repliesSent", r.replies().sent());
            line.put("repliesPending", r.replies().pending());
            r.replies().skipped().forEach((reason, n) -> line.put("skipped_" + reason, n));
            r.replies().failed().forEach((reason, n) -> line.put("failed_" + reason, n));
            line.put("couponsIssued", r.couponsIssued());
            line.put("clickToReferralP50", r.clickToReferral().p50());
            line.put("clickToReferralP95", r.clickToReferral().p95());
            line.put("referralToReplyP50", r.referralToReply().p50());
            line.put("referralToReplyP95", r.referralToReply().p95());
            line.put("boundIdentities", r.boundIdentities());
            lines.add(line);
        }
        return write(funnelColumns(), lines);
    }

    public static final List<String> TOP_REF_COLUMNS = List.of("ref", "refStatus", "link", "campaign", "channel",
            "conversations", "users", "firstAt", "lastAt");

    public static String topRefs(List<TopRef> refs) {
        List<Map<String, Object>> lines = new ArrayList<>(refs.size());
        for (TopRef t : refs) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("ref", t.ref());
            line.put("refStatus", t.refStatus());
            line.put("link", t.link());
            line.put("campaign", t.campaign());
            line.put("channel", t.channel());
            line.put("conversations", t.conversations());
            line.put("users", t.users());
            line.put("firstAt", t.firstAt());
            line.put("lastAt", t.lastAt());
            lines.add(line);
        }
        return write(TOP_REF_COLUMNS, lines);
    }

    private static String write(List<String> columns, List<Map<String, Object>> lines) {
        if (lines.isEmpty()) {
            return String.join(",", columns) + "\n"; // the header alone (plain names, nothing to quote)
        }
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        StringWriter out = new StringWriter();
        try (SequenceWriter writer = MAPPER.writer(schema.build()).writeValues(out)) {
            for (Map<String, Object> line : lines) {
                Map<String, Object> text = new LinkedHashMap<>();
                line.forEach((column, value) -> text.put(column, value == null ? null : cell(value.toString())));
                writer.write(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A text cell a spreadsheet would run as a formula (refs are typed by anyone: FOREIGN and
     * TAMPERED ones come straight from strangers) gets a leading apostrophe, as OWASP advises.
     */
    static String cell(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 && !isNumber(value) ? "'" + value : value;
    }

    private static boolean isNumber(String value) {
        try {
            Double.parseDouble(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
