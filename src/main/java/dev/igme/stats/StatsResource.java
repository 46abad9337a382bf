package dev.igme.stats;

import java.time.Clock;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
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
import io.smallrye.mutiny.Uni;

/** The funnel and the top refs over a time range, as JSON or CSV. */
@Path("/api/v1/stats")
@Produces({ MediaType.APPLICATION_JSON, StatsCsv.TEXT_CSV })
@RolesAllowed({ "igme-viewer", "igme-admin" })
public class StatsResource {

    private final StatsService stats;
    private final IgmeConfig.Stats config;
    private final Clock clock;

    public StatsResource(StatsService stats, IgmeConfig config, Clock clock) {
        this.stats = stats;
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
        StatsParams.Range range = StatsParams.range(from, to, tz, clock.instant(), config.defaultRange(),
                config.maxRange());
        FunnelQuery query = new FunnelQuery(range.from(), range.to(), range.zone(), StatsParams.groupBy(groupBy),
                StatsParams.text(campaign), StatsParams.channel(channel), StatsParams.text(link),
                StatsParams.text(account));
        return stats.funnel(query).map(report -> csv
                ? csv(StatsCsv.funnel(report.rows()), "funnel")
                : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build());
    }

    /** The most frequent refs in the range, with their refStatus (FOREIGN and TAMPERED ones too). */
    @GET
    @Path("/top-refs")
    public Uni<Response> topRefs(@RestQuery String from, @RestQuery String to, @RestQuery String tz,
            @RestQuery String campaign, @RestQuery String channel, @RestQuery String link, @RestQuery String account,
            @RestQuery Integer limit, @RestQuery String format, @Context HttpHeaders headers) {
        boolean csv = StatsParams.csv(format, headers.getAcceptableMediaTypes());
        StatsParams.Range range = StatsParams.range(from, to, tz, clock.instant(), config.defaultRange(),
                config.maxRange());
        int size = QueryParams.limit(limit, TopRefsQuery.DEFAULT_LIMIT, TopRefsQuery.MAX_LIMIT);
        TopRefsQuery query = new TopRefsQuery(range.from(), range.to(), StatsParams.text(account),
                StatsParams.text(campaign), StatsParams.channel(channel), StatsParams.text(link), size);
        return stats.topRefs(query).map(refs -> csv
                ? csv(StatsCsv.topRefs(refs), "top-refs")
                : Response.ok(new TopRefs(range.from(), range.to(), refs), MediaType.APPLICATION_JSON_TYPE).build());
    }

    /** The answer of {@code GET /api/v1/stats/top-refs}. */
    public record TopRefs(java.time.Instant from, java.time.Instant to, List<TopRef> items) {
    }

    private static Response csv(String body, String name) {
        return Response.ok(body, StatsCsv.TEXT_CSV + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"").build();
    }

    /** A query stopped by {@code igme.stats.query-timeout}: 503, asking for a narrower range. */
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response tooSlow(FunnelStore.TooSlow e) {
        return ApiError.builder(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), new ApiError(e.getMessage(), "from"))
                .header("Retry-After", "60").build();
    }
}
