package dev.igme.account;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.igme.account.activity.Activity;
import dev.igme.account.activity.SilenceWatchdog;
import dev.igme.account.doctor.DoctorReport;
import dev.igme.account.doctor.DoctorService;
import dev.igme.account.doctor.Remedies;
import dev.igme.account.icebreakers.IceBreakerFiles;
import dev.igme.account.icebreakers.IceBreakers;
import dev.igme.account.token.TokenLifecycle;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.Account;
import dev.igme.graph.Accounts;
import dev.igme.platform.api.ApiError;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.mutiny.Uni;

/** The configured accounts, their health, and the fixes the service can make. */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final Accounts accounts;
    private final DoctorService doctor;
    private final Remedies remedies;
    private final SilenceWatchdog watchdog;
    private final TokenLifecycle tokens;

    public AccountResource(Accounts accounts, DoctorService doctor, Remedies remedies, SilenceWatchdog watchdog,
            TokenLifecycle tokens) {
        this.accounts = accounts;
        this.doctor = doctor;
        this.remedies = remedies;
        this.watchdog = watchdog;
        this.tokens = tokens;
    }

    @GET
    @RolesAllowed("igme-viewer")
    @Operation(summary = "The configured accounts with their latest doctor check (no Graph API call)")
    public List<AccountSummary> list() {
        return accounts.all().stream().map(this::summary).toList();
    }

    @GET
    @Path("/{id}/doctor")
    @RolesAllowed("igme-viewer")
    @Operation(summary = "Check the account now: token, expiry, webhook subscription, ice breakers, deliveries")
    public Uni<DoctorReport> examine(@PathParam("id") String id) {
        return doctor.examine(account(id));
    }

    @POST
    @Path("/{id}/subscriptions")
    @RolesAllowed("igme-admin")
    @Operation(summary = "Subscribe the app to the webhook fields the account lacks, then check it again")
    public Uni<Response> subscribe(@PathParam("id") String id) {
        Account account = account(id);
        return remedies.subscribe(account).chain(outcome -> answer(account, outcome));
    }

    @PUT
    @Path("/{id}/ice-breakers")
    @RolesAllowed("igme-admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(IceBreakerFiles.StrictReader.class)
    @Operation(summary = "Set the account's ice breakers (validated before Meta is called), then check it again")
    public Uni<Response> setIceBreakers(@PathParam("id") String id, IceBreakers iceBreakers) {
        Account account = account(id);
        if (iceBreakers == null) {
            throw ApiError.badRequest("the body must be {\"locales\":[{\"locale\":\"default\",\"questions\":[...]}]}");
        }
        iceBreakers.validate();
        return remedies.setIceBreakers(account, iceBreakers).chain(outcome -> answer(account, outcome));
    }

    /** 200 with the account's fresh report when done; 502 with Meta's refusal as a finding otherwise. */
    private Uni<Response> answer(Account account, Remedies.Outcome outcome) {
        if (!outcome.ok()) {
            return Uni.createFrom().item(ApiError.response(Response.Status.BAD_GATEWAY,
                    new ApiError(outcome.problem().message(), null)));
        }
        return doctor.examine(account).map(report -> Response.ok(report).build());
    }

    private Account account(String id) {
        return accounts.find(id).orElseThrow(() -> ApiError.notFound("no account " + id + " is configured"));
    }

    private AccountSummary summary(Account account) {
        String id = account.igAccountId();
        var report = doctor.latest(id);
        Activity activity = watchdog.activity(id);
        return new AccountSummary(id, account.flavour() == IgmeConfig.Account.Flavour.FACEBOOK_PAGE ? "facebook-page"
                : "instagram-login", account.pageId(), account.paused(), report.map(DoctorReport::username).orElse(null),
                report.map(DoctorReport::checkedAt).orElse(null), report.map(DoctorReport::worst).orElse(null),
                activity.lastDeliveryAt(), activity.lastReferralAt(), watchdog.silent(id), tokens.state(id).expiresAt());
    }
}
