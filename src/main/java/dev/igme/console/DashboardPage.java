package dev.igme.console;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.link.LinkStore;
import dev.igme.platform.Json;
import dev.igme.stats.FunnelQuery;
import dev.igme.stats.FunnelRow;
import dev.igme.stats.GroupBy;
import dev.igme.stats.StatsService;
import dev.igme.stats.TopRef;
import dev.igme.stats.TopRefsQuery;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

/**
 * A campaign's dashboard: the funnel (clicks → conversations → replies) over the last days, per
 * day as charts and per link as a table, and its top refs, all from {@link StatsService}.
 */
@ConsolePage
@Path(Pages.ROOT + "/campaigns/{id}/dashboard")
@Produces(MediaType.TEXT_HTML)
public class DashboardPage {

    /** Chart.js, from its WebJar (the version is the pom's {@code chartjs.version}). */
    static final String CHART_JS = "/webjars/chart.js/4.5.1/dist/chart.umd.min.js";
    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 366;
    /** Rows of the campaign's top refs under the charts. */
    static final int TOP_REFS = 10;

    /** The charts' series, one value per day of {@code days}. */
    public record Charts(List<String> days, List<Long> clicks, List<Long> icebreakerTaps, List<Long> typedMessages,
            List<Long> existingThreads, List<Long> sent, List<Long> skipped, List<Long> failed) {
    }

    private final StatsService stats;
    private final LinkStore links;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Template page;

    public DashboardPage(StatsService stats, LinkStore links, ObjectMapper mapper, Clock clock,
            @Location("console/dashboard.html") Template page) {
        this.stats = stats;
        this.links = links;
        this.mapper = mapper;
        this.clock = clock;
        this.page = page;
    }

    @GET
    public Uni<Response> dashboard(@PathParam("id") String id, @RestQuery String days, @RestQuery String tz) {
        Long asked = Pages.wholeNumber(days, "Not a number of days",
                "days must be a whole number of days, such as 30 (at most " + MAX_DAYS + ").");
        int span = asked == null ? DEFAULT_DAYS : (int) Math.max(1, Math.min(MAX_DAYS, asked));
        ZoneId zone;
        try {
            zone = ZoneId.of(tz == null || tz.isBlank() ? "UTC" : tz.strip());
        } catch (DateTimeException e) {
            return Uni.createFrom().item(Pages.message(Response.Status.BAD_REQUEST, "Unknown time zone",
                    "tz must be a time zone such as Europe/Berlin or UTC."));
        }
        LocalDate today = LocalDate.now(clock.withZone(zone));
        Instant from = today.minusDays(span - 1L).atStartOfDay(zone).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(zone).toInstant();
        return links.campaign(id).chain(campaign -> {
            if (campaign == null) {
                return Uni.createFrom().item(Pages.message(Response.Status.NOT_FOUND, "No such campaign",
                        "There is no campaign " + id + "."));
            }
            Uni<List<FunnelRow>> perDay = stats.funnel(new FunnelQuery(from, to, zone, GroupBy.DAY, id, null, null, null))
                    .map(report -> report.rows());
            Uni<List<FunnelRow>> perLink = stats.funnel(new FunnelQuery(from, to, zone, GroupBy.LINK, id, null, null, null))
                    .map(report -> report.rows());
            Uni<List<FunnelRow>> whole = stats.funnel(new FunnelQuery(from, to, zone, GroupBy.CAMPAIGN, id, null, null, null))
                    .map(report -> report.rows());
            Uni<List<TopRef>> topRefs = stats.topRefs(new TopRefsQuery(from, to, null, id, null, null, TOP_REFS));
            return Uni.combine().all().unis(perDay, perLink, whole, topRefs).asTuple().map(both -> {
                // a campaign without links has no row of its own: zeros
                FunnelRow total = both.getItem3().isEmpty() ? total(List.of()) : both.getItem3().get(0);
                return Pages.html(Response.Status.OK, page.data("campaign", campaign).data("total", total)
                        .data("totalSkipped", sum(total.replies().skipped().values()))
                        .data("totalFailed", sum(total.replies().failed().values()))
                        .data("conversion", percent(total.referralsFromClicks(), total.clicks()))
                        .data("links", both.getItem2()).data("topRefs", both.getItem4()).data("days", span).data("zone", zone.getId())
                        .data("charts", Json.write(mapper, charts(both.getItem1())).replace("<", "\\u003c"))
                        .data("chartJs", CHART_JS));
            });
        });
    }

    static Charts charts(List<FunnelRow> days) {
        Charts c = new Charts(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (FunnelRow day : days) {
            c.days().add(day.key());
            c.clicks().add(day.clicks());
            c.icebreakerTaps().add(day.scenarios().icebreakerTaps());
            c.typedMessages().add(day.scenarios().typedMessages());
            c.existingThreads().add(day.scenarios().existingThreadReferrals());
            c.sent().add(day.replies().sent());
            c.skipped().add(sum(day.replies().skipped().values()));
            c.failed().add(sum(day.replies().failed().values()));
        }
        return c;
    }

    /** The days added up; what a campaign without links shows. */
    static FunnelRow total(List<FunnelRow> days) {
        long clicks = 0, bots = 0, conversations = 0, ice = 0, typed = 0, existing = 0, fromClicks = 0, sent = 0,
                pending = 0, coupons = 0, newThreads = 0;
        java.util.Map<String, Long> skipped = new java.util.LinkedHashMap<>();
        java.util.Map<String, Long> failed = new java.util.LinkedHashMap<>();
        for (FunnelRow d : days) {
            clicks += d.clicks();
            bots += d.botClicks();
            conversations += d.conversations();
            ice += d.scenarios().icebreakerTaps();
            typed += d.scenarios().typedMessages();
            existing += d.scenarios().existingThreadReferrals();
            fromClicks += d.referralsFromClicks();
            sent += d.replies().sent();
            pending += d.replies().pending();
            coupons += d.couponsIssued();
            newThreads += d.newThreads();
            d.replies().skipped().forEach((k, v) -> skipped.merge(k, v, Long::sum));
            d.replies().failed().forEach((k, v) -> failed.merge(k, v, Long::sum));
        }
        return new FunnelRow("total", null, null, null, null, null, clicks, bots, conversations,
                new FunnelRow.Scenarios(ice, typed, existing), newThreads, conversations - newThreads, fromClicks, null,
                new FunnelRow.Replies(sent, pending, skipped, failed), coupons, FunnelRow.Percentiles.NONE,
                FunnelRow.Percentiles.NONE, 0);
    }

    static long sum(java.util.Collection<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "–" : Math.round(100.0 * part / whole) + " %";
    }
}
