package dev.igme.console;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;

import dev.igme.config.IgmeConfig;
import dev.igme.link.Campaign;
import dev.igme.link.Channel;
import dev.igme.link.Link;
import dev.igme.link.LinkInvalid;
import dev.igme.link.LinkService;
import dev.igme.link.LinkStore;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

/** Campaigns and their links: list, create, and each link's URLs and QR code. */
@ConsolePage
@Path(Pages.ROOT)
@Produces(MediaType.TEXT_HTML)
public class CampaignPages {

    static final int MAX_ROWS = 200;
    static final List<String> CAMPAIGN_FIELDS = List.of("id", "name", "igAccountId", "description");
    static final List<String> LINK_FIELDS = List.of("channel", "label", "slug", "route");

    private final LinkService links;
    private final LinkStore store;
    private final List<String> accounts;
    private final Template campaigns;
    private final Template campaign;

    public CampaignPages(LinkService links, LinkStore store, IgmeConfig config,
            @Location("console/campaigns.html") Template campaigns, @Location("console/campaign.html") Template campaign) {
        this.links = links;
        this.store = store;
        this.accounts = List.copyOf(new TreeSet<>(config.accounts().keySet()));
        this.campaigns = campaigns;
        this.campaign = campaign;
    }

    @GET
    public Response home() {
        return Pages.seeOther(Pages.ROOT + "/campaigns");
    }

    @GET
    @Path("/campaigns")
    public Uni<Response> list() {
        return campaignsPage(Response.Status.OK, new FormState().set("igAccountId", accounts.isEmpty() ? "" : accounts.get(0)));
    }

    @POST
    @Path("/campaigns")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(@RestForm String id, @RestForm String name, @RestForm String igAccountId,
            @RestForm String description) {
        FormState form = new FormState().set("id", id).set("name", name).set("igAccountId", igAccountId)
                .set("description", description);
        return Uni.createFrom().deferred(() -> links.createCampaign(new Campaign.Input(blank(id), blank(name),
                blank(igAccountId), blank(description), null, null)))
                .map(created -> Pages.seeOther(Pages.ROOT + "/campaigns/" + created.id()))
                .onFailure(LinkInvalid.class).recoverWithUni(e -> campaignsPage(Response.Status.BAD_REQUEST,
                        form.error(((LinkInvalid) e).field(), e.getMessage(), CAMPAIGN_FIELDS)))
                .onFailure(LinkService.Conflict.class).recoverWithUni(e -> campaignsPage(Response.Status.CONFLICT,
                        form.error(((LinkService.Conflict) e).field(), e.getMessage(), CAMPAIGN_FIELDS)));
    }

    private Uni<Response> campaignsPage(Response.Status status, FormState form) {
        return store.campaigns(null, null, MAX_ROWS, null).map(rows -> Pages.html(status,
                campaigns.data("campaigns", rows).data("accounts", accounts).data("form", form)));
    }

    @GET
    @Path("/campaigns/{id}")
    public Uni<Response> campaign(@PathParam("id") String id) {
        return campaignPage(id, Response.Status.OK, new FormState().set("channel", Channel.values()[0].json()));
    }

    @POST
    @Path("/campaigns/{id}/links")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> createLink(@PathParam("id") String id, @RestForm String channel, @RestForm String label,
            @RestForm String slug, @RestForm String route) {
        FormState form = new FormState().set("channel", channel).set("label", label).set("slug", slug).set("route", route);
        return Uni.createFrom().deferred(() -> {
            Channel parsed;
            try {
                parsed = channel == null || channel.isBlank() ? null : Channel.of(channel);
            } catch (IllegalArgumentException e) {
                throw new LinkInvalid("channel", e.getMessage());
            }
            return links.createLink(new Link.Input(id, parsed, label, blank(slug), blank(route), null));
        }).map(created -> Pages.seeOther(Pages.ROOT + "/campaigns/" + id + "#link-" + created.id()))
                .onFailure(LinkInvalid.class).recoverWithUni(e -> campaignPage(id, Response.Status.BAD_REQUEST,
                        form.error(((LinkInvalid) e).field(), e.getMessage(), LINK_FIELDS)));
    }

    private Uni<Response> campaignPage(String id, Response.Status status, FormState form) {
        return store.campaign(id).chain(found -> {
            if (found == null) {
                return Uni.createFrom().item(Pages.message(Response.Status.NOT_FOUND, "No such campaign",
                        "There is no campaign " + id + "."));
            }
            return links.links(new LinkStore.LinkQuery(id, null, null, null, MAX_ROWS, null))
                    .map(rows -> Pages.html(status, campaign.data("campaign", found).data("links", rows)
                            .data("channels", channels()).data("form", form)));
        });
    }

    static List<String> channels() {
        List<String> names = new ArrayList<>();
        for (Channel c : Channel.values()) {
            names.add(c.json());
        }
        return names;
    }

    static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
