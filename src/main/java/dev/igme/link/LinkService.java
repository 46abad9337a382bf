package dev.igme.link;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.link.directory.LinkPublisher;
import dev.igme.link.ref.RefCodec;
import io.smallrye.mutiny.Uni;

/**
 * Campaigns and links as the API manages them: checks every field (a {@link LinkInvalid} names the
 * one to fix), mints each link's signed ref, and publishes every change to the redirect's
 * directory. A link is never deleted: its ref may be printed on packaging for years.
 */
@ApplicationScoped
public class LinkService {

    /** Campaign ids start refs; leave room for the link's own slug within the 64 of a ref's slug. */
    static final Pattern CAMPAIGN_ID = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
    static final int MAX_CAMPAIGN_ID = 40;
    static final int MAX_TEXT = 200;
    static final int MAX_ROUTE = 1000;
    private static final String ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int ID_LENGTH = 10;

    private final LinkStore store;
    private final LinkSettings settings;
    private final LinkPublisher publisher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public LinkService(LinkStore store, LinkSettings settings, LinkPublisher publisher, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
    }

    // --- campaigns -----------------------------------------------------------------------------

    public Uni<Campaign> createCampaign(Campaign.Input in) {
        if (in == null) {
            throw new LinkInvalid("body", "is missing");
        }
        String id = required("id", in.id());
        if (id.length() > MAX_CAMPAIGN_ID || !CAMPAIGN_ID.matcher(id).matches()) {
            throw new LinkInvalid("id", "must be 1-" + MAX_CAMPAIGN_ID
                    + " of a-z 0-9 with single '-' between words (it starts every ref of the campaign)");
        }
        String account = required("igAccountId", in.igAccountId());
        if (!settings.accountConfigured(account)) {
            throw new LinkInvalid("igAccountId", "is not a configured account (igme.accounts.\"" + account + "\")");
        }
        Campaign.Input checked = checkedCampaign(in);
        return store.insertCampaign(new Campaign.Input(id, checked.name(), account, checked.description(),
                checked.startsAt(), checked.endsAt())).chain(inserted -> {
                    if (!inserted) {
                        throw new Conflict("id", "a campaign '" + id + "' exists already");
                    }
                    return store.campaign(id);
                });
    }

    /** Replaces name, description and dates; null when there is no such campaign. */
    public Uni<Campaign> updateCampaign(String id, Campaign.Input in) {
        if (in == null) {
            throw new LinkInvalid("body", "is missing");
        }
        return store.campaign(id).chain(existing -> {
            if (existing == null) {
                return Uni.createFrom().nullItem();
            }
            if (in.igAccountId() != null && !in.igAccountId().equals(existing.igAccountId())) {
                throw new LinkInvalid("igAccountId", "cannot change: the campaign's links point at its account");
            }
            if (in.id() != null && !in.id().equals(id)) {
                throw new LinkInvalid("id", "cannot change: it starts the refs already minted");
            }
            return store.updateCampaign(id, checkedCampaign(in)).chain(() -> store.campaign(id));
        });
    }

    /** Archives the campaign and its links; null when there is none. */
    public Uni<Campaign> archiveCampaign(String id) {
        return store.archiveCampaign(id, clock.instant()).chain(found -> !found ? Uni.createFrom().<Campaign>nullItem()
                : store.links(new LinkStore.LinkQuery(id, null, null, null, Integer.MAX_VALUE, null))
                        .call(links -> publisher.publishAll(links))
                        .chain(() -> store.campaign(id)));
    }

    private static Campaign.Input checkedCampaign(Campaign.Input in) {
        String name = required("name", in.name());
        if (name.length() > MAX_TEXT) {
            throw new LinkInvalid("name", "is longer than " + MAX_TEXT + " characters");
        }
        if (in.description() != null && in.description().length() > 4 * MAX_TEXT) {
            throw new LinkInvalid("description", "is longer than " + 4 * MAX_TEXT + " characters");
        }
        if (in.startsAt() != null && in.endsAt() != null && !in.endsAt().isAfter(in.startsAt())) {
            throw new LinkInvalid("endsAt", "must be after startsAt");
        }
        return new Campaign.Input(in.id(), name, in.igAccountId(), in.description(), in.startsAt(), in.endsAt());
    }

    // --- links ---------------------------------------------------------------------------------

    public Uni<Link> createLink(Link.Input in) {
        if (in == null) {
            throw new LinkInvalid("body", "is missing");
        }
        String campaignId = required("campaignId", in.campaignId());
        if (in.channel() == null) {
            throw new LinkInvalid("channel", "is missing: one of " + Channel.known());
        }
        String label = checkedLabel(in.label());
        String slug = in.slug() == null ? slugOf(label) : in.slug().strip();
        checkRoute(in.route());
        checkExpiry(in.expiresAt());
        return store.campaign(campaignId).chain(campaign -> {
            if (campaign == null) {
                throw new LinkInvalid("campaignId", "names no campaign");
            }
            if (campaign.archivedAt() != null) {
                throw new LinkInvalid("campaignId", "names an archived campaign");
            }
            if (settings.username(campaign.igAccountId()).isEmpty()) {
                throw new LinkInvalid("campaignId", "belongs to account " + campaign.igAccountId()
                        + ", which has no username configured (igme.accounts.\"" + campaign.igAccountId() + "\".username)");
            }
            String refSlug = slug.isEmpty() ? campaignId : campaignId + "-" + slug;
            if (refSlug.length() > RefCodec.MAX_SLUG || !RefCodec.SLUG.matcher(refSlug).matches()) {
                throw new LinkInvalid("slug", "must be a-z 0-9 with single '-' between words, and with the campaign id"
                        + " at most " + RefCodec.MAX_SLUG + " characters");
            }
            return insert(campaignId, in, label, refSlug, 0);
        });
    }

    private Uni<Link> insert(String campaignId, Link.Input in, String label, String refSlug, int attempt) {
        if (!settings.codec().canMint()) {
            throw new LinkInvalid("link", "cannot be signed: igme.links.signing-keys is not set");
        }
        String id = newId();
        String ref = settings.codec().mint(new RefCodec.Parts(refSlug, id, null, in.expiresAt(), null));
        return store.insertLink(id, campaignId, in.channel(), label, refSlug, ref, blankToNull(in.route()), in.expiresAt())
                .chain(inserted -> inserted ? published(id)
                        : attempt < 3 ? insert(campaignId, in, label, refSlug, attempt + 1)
                        : Uni.createFrom().failure(new IllegalStateException("no free link id after 4 tries")));
    }

    /** Changes channel, label, route or expiry (the slug, printed in refs, stays); null when there is no such link. */
    public Uni<Link> updateLink(String id, Link.Input in) {
        if (in == null) {
            throw new LinkInvalid("body", "is missing");
        }
        return store.link(id).chain(existing -> {
            if (existing == null) {
                return Uni.createFrom().nullItem();
            }
            if (in.campaignId() != null && !in.campaignId().equals(existing.campaignId())) {
                throw new LinkInvalid("campaignId", "cannot change: the link's ref names its campaign");
            }
            String slug = in.slug() == null ? null : in.slug().strip();
            if (slug != null && !(slug.isEmpty() ? existing.campaignId() : existing.campaignId() + "-" + slug)
                    .equals(existing.slug())) {
                throw new LinkInvalid("slug", "cannot change: it is part of the refs already printed");
            }
            Channel channel = in.channel() == null ? existing.channel() : in.channel();
            String label = in.label() == null ? existing.label() : checkedLabel(in.label());
            String route = in.route() == null ? existing.route() : blankToNull(in.route());
            checkRoute(route);
            Instant expiresAt = in.expiresAt() == null ? existing.expiresAt() : in.expiresAt();
            if (in.expiresAt() != null) {
                checkExpiry(in.expiresAt());
            }
            String ref = java.util.Objects.equals(expiresAt, existing.expiresAt()) ? existing.ref()
                    : settings.codec().mint(new RefCodec.Parts(existing.slug(), id, null, expiresAt, null));
            return store.updateLink(id, channel, label, route, expiresAt, ref).chain(() -> published(id));
        });
    }

    public Uni<Link> archiveLink(String id) {
        return store.archiveLink(id, clock.instant()).chain(found -> found ? published(id) : Uni.createFrom().nullItem());
    }

    public Uni<Link> link(String id) {
        return store.link(id).map(row -> row == null ? null : view(row));
    }

    public Uni<List<Link>> links(LinkStore.LinkQuery query) {
        return store.links(query).map(rows -> rows.stream().map(this::view).toList());
    }

    /** A personal ref of the link carrying the business's own id for one person; null when there is no such link. */
    public Uni<Link.PersonalRef> personalRef(String id, Link.PersonalRefRequest request) {
        if (request == null) {
            throw new LinkInvalid("body", "is missing");
        }
        String externalId = required("externalId", request.externalId());
        if (externalId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > RefCodec.MAX_EXTERNAL_ID_BYTES) {
            throw new LinkInvalid("externalId", "is longer than " + RefCodec.MAX_EXTERNAL_ID_BYTES + " UTF-8 bytes");
        }
        if (request.expiresAt() != null) {
            checkExpiry(request.expiresAt());
        }
        return store.link(id).map(link -> {
            if (link == null) {
                return null;
            }
            if (link.gone(clock.instant())) {
                throw new LinkInvalid("id", "names an archived or expired link");
            }
            Instant expiry = earliest(request.expiresAt(), link.expiresAt());
            String ref = settings.codec().mint(new RefCodec.Parts(link.slug(), id, null, expiry, externalId));
            return new Link.PersonalRef(id, ref, settings.username(link.igAccountId())
                    .map(user -> LinkSettings.igMeUrl(user, ref)).orElse(null), expiry);
        });
    }

    /** The API's view of a stored link, with its URLs. */
    public Link view(StoredLink l) {
        String base = "/api/v1/links/" + l.id() + "/qr.";
        return new Link(l.id(), l.campaignId(), l.channel(), l.label(), l.slug(), l.ref(), l.route(), l.expiresAt(),
                l.archivedAt(), l.createdAt(), l.updatedAt(),
                settings.username(l.igAccountId()).map(user -> LinkSettings.igMeUrl(user, l.ref())).orElse(null),
                settings.trackedUrl(l.id()), base + "png", base + "svg");
    }

    private Uni<Link> published(String id) {
        return store.link(id).call(link -> publisher.publishAll(List.of(link))).map(this::view);
    }

    private void checkExpiry(Instant expiresAt) {
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new LinkInvalid("expiresAt", "must be in the future");
        }
    }

    private static void checkRoute(String route) {
        if (route != null && route.length() > MAX_ROUTE) {
            throw new LinkInvalid("route", "is longer than " + MAX_ROUTE + " characters");
        }
    }

    private static String checkedLabel(String value) {
        String label = required("label", value);
        if (label.length() > MAX_TEXT) {
            throw new LinkInvalid("label", "is longer than " + MAX_TEXT + " characters");
        }
        return label;
    }

    /** "Back of the box, EU" → "back-of-the-box-eu" (at most 24 characters; empty when nothing is left). */
    static String slugOf(String label) {
        String slug = java.text.Normalizer.normalize(label, java.text.Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 24) {
            slug = slug.substring(0, 24).replaceAll("-+$", "");
        }
        return slug;
    }

    private String newId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new LinkInvalid(field, "is missing or blank");
        }
        return value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The id is taken. */
    public static final class Conflict extends RuntimeException {
        private final String field;

        Conflict(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
