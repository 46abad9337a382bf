package dev.igme.reply.rules;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.igme.platform.api.ApiError;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.mutiny.Uni;

/** Manages reply rules; the rules file takes exactly the bodies this accepts. */
@Path("/api/v1/reply-rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("igme-admin")
public class ReplyRuleResource {

    private final ReplyRules rules;

    public ReplyRuleResource(ReplyRules rules) {
        this.rules = rules;
    }

    @GET
    public Uni<List<ReplyRule>> list() {
        return rules.list();
    }

    @GET
    @Path("/{id}")
    public Uni<ReplyRule> get(@PathParam("id") long id) {
        return rules.get(id).map(rule -> found(rule, id));
    }

    @POST
    @CustomDeserialization(ReplyRule.StrictReader.class)
    public Uni<Response> create(ReplyRule rule) {
        return rules.create(rule).map(created -> Response.created(URI.create("/api/v1/reply-rules/" + created.id()))
                .entity(created).build());
    }

    @PUT
    @Path("/{id}")
    @CustomDeserialization(ReplyRule.StrictReader.class)
    public Uni<ReplyRule> update(@PathParam("id") long id, ReplyRule rule) {
        return rules.update(id, rule).map(updated -> found(updated, id));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") long id) {
        return rules.delete(id).map(deleted -> {
            found(deleted ? Boolean.TRUE : null, id);
            return Response.noContent().build();
        });
    }

    private static <T> T found(T value, long id) {
        if (value == null) {
            throw ApiError.notFound("no reply rule " + id);
        }
        return value;
    }
}
