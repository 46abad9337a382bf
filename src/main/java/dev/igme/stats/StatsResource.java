package dev.igme.stats;

import java.time.Clock;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.QueryParams;
import dev.igme.stats.rollup.Rollups;
import io.smallrye.mutiny.Uni;

/** The funnel and the top refs over a time range, as JSON or CSV. */
@Path("/api/v1/stats")
@Produces({ MediaType.APPLICATION_JSON, StatsCsv.TEXT_CSV })
@RolesAllowed({ "igme-viewer", "igme-admin" })
public class StatsResource {

    private final StatsService stats;
    private final Rollups rollups;
    private final IgmeConfig.Stats config;
    private final Clock clock;

    public StatsResource(StatsService stats, Rollups rollups, IgmeConfig config, Clock clock) {
        this.stats = stats;
        this.rollups = rollups;
        this.config = config.stats();
        this.clock = clock;
    }

    /**
     * One row per campaign, channel, link or day ({@code groupBy}) over {@code from..to}, every
     * selected link or day included with zeros when it had no traffic.
     */
    @GET
    @Path("/funnel")
    public Uni<Response> funnel(@RestQuery String from, @RestQuery String to, @RestQuery String tz,
            @RestQuery String groupBy, @RestQuery String campaign, @RestQuery String channel, @RestQuery String link,
            @RestQuery String account, @RestQuery String format, @Context HttpHeaders headers) {
        boolean csv = StatsParams.csv(format, headers.getAcceptableMediaTypes());
        StatsParams.Range range = range(from, to, tz);
        FunnelQuery query = new FunnelQuery(range.from(), range.to(), range.zone(), StatsParams.groupBy(groupBy),
                QueryParams.text(campaign), StatsParams.channel(channel), QueryParams.text(link),
                QueryParams.text(account));
        return stats.funnel(query).map(report -> answer(csv, report, () -> StatsCsv.funnel(report.rows()), "funnel"));
    }

    /** The most frequent refs in the range, with their refStatus (FOREIGN and TAMPERED ones too). */
    @GET
    @Path("/top-refs")
    public Uni<Response> topRefs(@RestQuery String from, @RestQuery String to, @RestQuery String tz,
            @RestQuery String campaign, @RestQuery String channel, @RestQuery String link, @RestQuery String account,
            @RestQuery Integer limit, @RestQuery String format, @Context HttpHeaders headers) {
        boolean csv = StatsParams.csv(format, headers.getAcceptableMediaTypes());
        StatsParams.Range range = range(from, to, tz);
        int size = QueryParams.limit(limit, TopRefsQuery.DEFAULT_LIMIT, TopRefsQuery.MAX_LIMIT);
        TopRefsQuery query = new TopRefsQuery(range.from(), range.to(), QueryParams.text(account),
                QueryParams.text(campaign), StatsParams.channel(channel), QueryParams.text(link), size);
        return stats.topRefs(query).map(refs -> answer(csv, new TopRefs(range.from(), range.to(), refs),
                () -> StatsCsv.topRefs(refs), "top-refs"));
    }

    /**
     * Rolls up the days {@code from..to} (dates, both included) again in every rolled-up zone, from
     * the raw rows: for changes older than {@code igme.stats.rollup-lookback}. Days not ended yet
     * are left out. Answers when done: {@code {"zones","from","to","days"}}.
     */
    @POST
    @Path("/rollups/rebuild")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed("igme-admin")
    public Uni<Rollups.Rebuilt> rebuild(@RestQuery String from, @RestQuery String to) {
        java.time.LocalDate first = StatsParams.day("from", from);
        java.time.LocalDate last = StatsParams.day("to", to);
        if (last.isBefore(first)) {
            throw ApiError.badRequest("from must not be after to", "from");
        }
        if (java.time.Duration.ofDays(first.until(last, java.time.temporal.ChronoUnit.DAYS) + 1)
                .compareTo(config.maxRange()) > 0) {
            throw ApiError.badRequest("the range from..to is longer than " + config.maxRange().toDays() + " days", "to");
        }
        return rollups.rebuild(first, last.plusDays(1));
    }

    /** The answer of {@code GET /api/v1/stats/top-refs}. */
    public record TopRefs(java.time.Instant from, java.time.Instant to, List<TopRef> items) {
    }

    /** The query's range from its parameters, with this service's default and longest range. */
    private StatsParams.Range range(String from, String to, String tz) {
        return StatsParams.range(from, to, tz, clock.instant(), config.defaultRange(), config.maxRange());
    }

    /** The JSON body, or the same numbers as a CSV download named {@code name}.csv. */
    private static Response answer(boolean csv, Object json, java.util.function.Supplier<String> csvBody, String name) {
        if (!csv) {
            return Response.ok(json, MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(csvBody.get(), StatsCsv.TEXT_CSV + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"").build();
    }

    /** A query stopped by {@code igme.stats.query-timeout}: 503, asking for a narrower range. */
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response tooSlow(FunnelStore.TooSlow e) {
        return ApiError.builder(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), new ApiError(e.getMessage(), "from"))
                .header("Retry-After", "60").build();
    }
}
