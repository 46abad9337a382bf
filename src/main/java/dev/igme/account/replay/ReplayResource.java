package dev.igme.account.replay;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.igme.platform.api.ApiError;
import dev.igme.platform.api.QueryParams;
import io.smallrye.mutiny.Uni;

/** Replays of the raw topic and re-drives of dead letters, as admin operations with a dry run. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    /** Body of {@code POST /api/v1/replays}: ISO-8601 instants, {@code to} exclusive and optional (up to now). */
    public record ReplayRequest(String from, String to, Boolean dryRun) {
    }

    /** Body of {@code POST /api/v1/dead-letters/redrive} (optional). */
    public record RedriveRequest(Boolean dryRun) {
    }

    private final Replays replays;

    public ReplayResource(Replays replays) {
        this.replays = replays;
    }

    @POST
    @Path("/replays")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("igme-admin")
    @Operation(summary = "Re-normalise the raw topic for [from, to): with dryRun, only count the records; else start a job (202)")
    public Uni<Response> replay(ReplayRequest request) {
        if (request == null) {
            throw ApiError.badRequest("the body must be {\"from\": \"<ISO-8601>\", \"to\": \"<ISO-8601>\", \"dryRun\": false}");
        }
        Instant from = QueryParams.instant("from", request.from());
        Instant to = QueryParams.instant("to", request.to());
        if (from == null) {
            throw ApiError.badRequest("from is required (an ISO-8601 instant such as 2026-01-01T00:00:00Z)", "from");
        }
        if (to != null && !to.isAfter(from)) {
            throw ApiError.badRequest("to must be after from", "to");
        }
        return replays.planReplay(from, to).chain(plan -> Boolean.TRUE.equals(request.dryRun())
                ? Uni.createFrom().item(Response.ok(plan).build())
                : replays.start(ReplayJob.Kind.REPLAY, plan, from, to).map(ReplayResource::accepted));
    }

    @POST
    @Path("/dead-letters/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("igme-admin")
    @Operation(summary = "Send the dead letters since the last re-drive back through the normalizer (dryRun: only count)")
    public Uni<Response> redrive(RedriveRequest request) {
        boolean dryRun = request != null && Boolean.TRUE.equals(request.dryRun());
        return replays.planRedrive().chain(plan -> dryRun ? Uni.createFrom().item(Response.ok(plan).build())
                : replays.start(ReplayJob.Kind.REDRIVE, plan, null, null).map(ReplayResource::accepted));
    }

    @GET
    @Path("/replays")
    @RolesAllowed("igme-viewer")
    @Operation(summary = "The latest replay and re-drive jobs with their progress")
    public Uni<List<ReplayJob>> list() {
        return replays.recent(50);
    }

    @GET
    @Path("/replays/{id}")
    @RolesAllowed("igme-viewer")
    @Operation(summary = "One replay or re-drive job with its progress")
    public Uni<ReplayJob> get(@PathParam("id") long id) {
        return replays.find(id).map(job -> job.orElseThrow(() -> ApiError.notFound("no replay job " + id)));
    }

    private static Response accepted(ReplayJob job) {
        return Response.accepted(job).location(URI.create("/api/v1/replays/" + job.id())).build();
    }
}
