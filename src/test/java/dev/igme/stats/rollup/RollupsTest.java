package dev.igme.stats.rollup;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.stats.FunnelQuery;
import dev.igme.stats.FunnelStore;
import dev.igme.stats.FunnelTest;
import dev.igme.stats.GroupBy;
import dev.igme.stats.StatsService;
import dev.igme.stats.TopRef;
import dev.igme.stats.TopRefsQuery;
import dev.igme.attribution.NormalizerOutput;
import dev.igme.link.LinksTest;
import dev.igme.reply.outbox.ReplyStatus;
import dev.igme.testing.ConsumerLag;
import dev.igme.testing.Db;
import dev.igme.testing.Deliveries;
import dev.igme.testing.Webhook;
import dev.igme.webhook.RawDeliveryPublisher;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The funnel and the top refs answered from the daily rollups against the same questions answered
 * from the raw rows alone, on the real database: summable numbers equal, percentiles within the
 * histogram's bound, the documented difference of distinct counts pinned, and the job's lookback.
 */
@QuarkusTest
public class RollupsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * A guard against a hang, not a time budget: the first run rolls up every day since the oldest
     * row in the shared test database, which other tests fill with fixed dates, so its work grows
     * with the calendar and with the machine's load.
     */
    private static final Duration JOB = Duration.ofMinutes(15);
    /** Today, once: a run that crosses midnight must not move the days between seeding and asserting. */
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Inject
    Pool pool;

    @Inject
    Rollups rollups;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The stats as they were before rollups: raw rows only. */
    private StatsService raw() {
        return new StatsService(new FunnelStore(pool, Duration.ofSeconds(30)), null, List.of());
    }

    private JsonNode api(String query) throws Exception {
        return JSON.readTree(FunnelTest.viewer().get("/api/v1/stats/funnel?" + query).then().statusCode(200)
                .contentType(startsWith("application/json")).extract().asString());
    }

    private JsonNode rawFunnel(Instant from, Instant to, ZoneId zone, GroupBy groupBy, String campaign) {
        return mapper.valueToTree(raw().funnel(new FunnelQuery(from, to, zone, groupBy, campaign, null, null, null))
                .await().atMost(WAIT));
    }

    private static String range(Instant from, Instant to, ZoneId zone, GroupBy groupBy, String campaign) {
        return "from=" + from + "&to=" + to + "&tz=" + zone.getId() + "&groupBy=" + groupBy.param() + "&campaign=" + campaign;
    }

    /** A day some weeks back: older than the lookback, so only runs and rebuilds change it. */
    private static LocalDate base() {
        return TODAY.minusDays(20);
    }

    /** The first day of the month before last: a whole month older than {@link #base()}. */
    private static LocalDate month() {
        return TODAY.minusMonths(2).withDayOfMonth(1);
    }

    private static Instant at(LocalDate day, String time) {
        return Instant.parse(day + "T" + time + "Z");
    }

    private void click(String id, String link, Instant at, boolean bot) {
        Db.rows(pool, "INSERT INTO link_click (click_id, link_id, clicked_at, device, bot) VALUES ($1, $2, $3, 'ios', $4)"
                + " ON CONFLICT DO NOTHING", id, link, at.atOffset(ZoneOffset.UTC), bot);
    }

    private void attribution(String id, String campaign, String link, String channel, String user, Instant at,
            String scenario, String clickId, String externalId, ReplyStatus reply, boolean coupon) {
        Db.rows(pool, "INSERT INTO attribution (attribution_id, ig_account_id, igsid, scenario, new_thread, ref, ref_valid,"
                + " source, source_category, occurred_at, received_at, standby, test, link_id, campaign_id, channel,"
                + " external_id, click_id, ref_status) VALUES ($1, $2, $3, $4, $5, $6, true, 'SHORTLINK', 'SHORTLINK', $7, $7,"
                + " false, false, $8, $9, $10, $11, $12, 'VERIFIED') ON CONFLICT DO NOTHING", id, Deliveries.ACCOUNT, user,
                scenario, !scenario.equals("EXISTING_THREAD_REFERRAL"), "r-" + link + "-" + id, at.atOffset(ZoneOffset.UTC),
                link, campaign, channel, externalId, clickId);
        if (reply != null) {
            Db.rows(pool, "INSERT INTO reply (attribution_id, ig_account_id, igsid, scenario, status, created_at, updated_at,"
                    + " sent_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT DO NOTHING", id, Deliveries.ACCOUNT,
                    user, scenario, reply.name(), at.atOffset(ZoneOffset.UTC),
                    reply == ReplyStatus.SENT ? at.plusMillis(700 + id.hashCode() % 5000 + 5000).atOffset(ZoneOffset.UTC) : null);
        }
        if (coupon) {
            Db.rows(pool, "INSERT INTO coupon_pool (name) VALUES ($1) ON CONFLICT DO NOTHING", "rollups-" + campaign);
            Db.rows(pool, "INSERT INTO coupon (pool_id, code, ig_account_id, igsid, attribution_id, issued_at) SELECT id, $2,"
                    + " $3, $4, $5, $6 FROM coupon_pool WHERE name = $1", "rollups-" + campaign, "code-" + id,
                    Deliveries.ACCOUNT, user, id, at.atOffset(ZoneOffset.UTC));
        }
    }

    /**
     * Five days of a campaign's box link (clicks, bots, the three scenarios, replies of several
     * outcomes, coupons, bound identities, hours near midnight so Berlin's days differ from UTC's),
     * a second link with traffic on another channel, and one without any.
     */
    private record Seeded(String campaign, String box, String bus, String idle, String boxRef) {
    }

    private Seeded seed() throws Exception {
        String campaign = LinksTest.newCampaign();
        JsonNode boxLink = LinksTest.newLink(campaign, "packaging", "Box");
        String box = boxLink.get("id").asText();
        String bus = LinksTest.newLink(campaign, "billboard", "Bus").get("id").asText();
        String idle = LinksTest.newLink(campaign, "store", "Idle").get("id").asText();
        String[] scenarios = {"ICEBREAKER_POSTBACK", "NEW_THREAD_MESSAGE", "EXISTING_THREAD_REFERRAL"};
        ReplyStatus[] outcomes = {ReplyStatus.SENT, ReplyStatus.SENT, ReplyStatus.SKIPPED_COOLDOWN, ReplyStatus.SENT,
                ReplyStatus.FAILED_USER_UNAVAILABLE, ReplyStatus.SKIPPED_NO_COUPON, null, ReplyStatus.PENDING};
        String[] times = {"00:20:00", "03:05:00", "09:41:00", "12:00:00", "15:30:00", "22:10:00", "23:05:00", "23:59:30"};
        int n = 0;
        for (int d = 0; d < 5; d++) {
            LocalDate day = base().plusDays(d);
            for (String time : times) {
                n++;
                String link = n % 4 == 0 ? bus : box;
                String channel = n % 4 == 0 ? "billboard" : "packaging";
                String clickId = campaign + "-k" + n;
                Instant clicked = at(day, time);
                click(clickId, link, clicked, false);
                click(campaign + "-bot" + n, link, clicked.plusSeconds(1), n % 3 == 0);
                if (n % 5 != 0) {
                    // a referral 2 s .. ~3 h after its click; every fifth click does not convert
                    Instant referral = clicked.plusSeconds(2L + (long) n * n * 7 % 10_000);
                    attribution(campaign + "-a" + n, campaign, link, channel, campaign + "-u" + n, referral,
                            scenarios[n % 3], n % 7 == 0 ? null : clickId, n % 6 == 0 ? "ext-" + n : null,
                            outcomes[n % outcomes.length], n % 4 == 1);
                }
            }
        }
        // a whole calendar month earlier (read from the month rollups), with its first and last hours
        LocalDate month = month();
        for (Instant clicked : List.of(at(month, "00:30:00"), at(month.plusDays(14), "12:00:00"),
                at(month.plusMonths(1).minusDays(1), "23:30:00"))) {
            n++;
            click(campaign + "-k" + n, box, clicked, false);
            attribution(campaign + "-a" + n, campaign, box, "packaging", campaign + "-u" + n, clicked.plusSeconds(40),
                    scenarios[n % 3], campaign + "-k" + n, null, ReplyStatus.SENT, false);
        }
        // Meta delivers a referral twice: one attribution, however often delivered
        String user = Deliveries.newUser();
        byte[] delivery = Deliveries.existingThreadReferral(user, at(base().plusDays(2), "10:00:00").toEpochMilli(),
                boxLink.get("ref").asText());
        Webhook.postSigned(delivery).then().statusCode(200);
        Webhook.postSigned(delivery).then().statusCode(200);
        await().atMost(WAIT).until(() -> !Db.rows(pool, "SELECT 1 FROM attribution WHERE igsid = $1", user).isEmpty());
        await().atMost(WAIT).until(() -> ConsumerLag.of(bootstrap, "igme-normalizer", RawDeliveryPublisher.TOPIC) == 0);
        await().atMost(WAIT).until(() -> ConsumerLag.of(bootstrap, "igme-replier", NormalizerOutput.ATTRIBUTIONS_TOPIC) == 0);
        assertEquals(1, Db.rows(pool, "SELECT 1 FROM attribution WHERE igsid = $1", user).size());
        return new Seeded(campaign, box, bus, idle, boxLink.get("ref").asText());
    }

    /**
     * Rows written straight into days weeks back (as a replay of old deliveries would) are picked
     * up by a rebuild, not by the job's lookback, once an earlier test's run has rolled those days
     * up; the run then brings every zone up to yesterday.
     */
    private void rollUp(LocalDate from, LocalDate to) {
        rollups.run().await().atMost(JOB);
        rollups.rebuild(from, to).await().atMost(JOB);
    }

    /** Same rows, same summable numbers; percentiles within the histogram's bound. */
    private static void assertSameFunnel(JsonNode raw, JsonNode rolled) {
        assertEquals(raw.get("rows").size(), rolled.get("rows").size(), rolled.toString());
        Iterator<JsonNode> r = raw.get("rows").iterator();
        Iterator<JsonNode> u = rolled.get("rows").iterator();
        while (r.hasNext()) {
            JsonNode a = r.next();
            JsonNode b = u.next();
            for (String field : List.of("key", "campaign", "channel", "link", "label", "day", "clicks", "botClicks",
                    "conversations", "scenarios", "newThreads", "existingThreads", "referralsFromClicks", "conversion",
                    "replies", "couponsIssued", "boundIdentities")) {
                assertEquals(String.valueOf(a.get(field)), String.valueOf(b.get(field)), field + " of " + a.get("key") + ":\nraw    " + a + "\nrolled " + b);
            }
            for (String latency : List.of("clickToReferral", "referralToReply")) {
                for (String p : List.of("p50", "p95")) {
                    JsonNode exact = a.get(latency).get(p);
                    JsonNode estimate = b.get(latency).get(p);
                    assertEquals(exact.isNull(), estimate.isNull(), latency + " " + p + " of " + a + "\n" + b);
                    if (!exact.isNull()) {
                        double t = exact.asDouble();
                        double e = estimate.asDouble();
                        assertTrue(e <= t * Math.sqrt(2) + LatencyHistogram.FIRST_EDGE
                                && e >= t / Math.sqrt(2) - LatencyHistogram.FIRST_EDGE,
                                latency + " " + p + ": exact " + t + ", from the histogram " + e);
                    }
                }
            }
        }
    }

    @Test
    void theRollupsAnswerWhatTheRawRowsAnswerForEveryGroupingInUtcAndInARolledUpZone() throws Exception {
        Seeded s = seed();
        rollUp(month().minusDays(3), base().plusDays(6)); // Berlin's day after the last UTC day holds its late hours
        // edges in mid-day, in both zones (Berlin's days are not UTC's), a whole month between them
        Instant from = at(month().minusDays(3), "05:17:00");
        Instant to = at(base().plusDays(4), "13:41:00");
        // and from the month's second day (its third the first whole one): that month is read whole,
        // less its first two days, whose traffic is taken off
        Instant secondDay = at(month().plusDays(1), "05:17:00");
        // and up to that month's last day but one: read whole, less its last two days (with traffic)
        Instant lastDays = at(month().plusMonths(1).minusDays(2), "13:41:00");
        for (ZoneId zone : List.of(ZoneId.of("UTC"), BERLIN)) {
            for (GroupBy groupBy : GroupBy.values()) {
                JsonNode rolled = api(range(from, to, zone, groupBy, s.campaign()));
                assertSameFunnel(rawFunnel(from, to, zone, groupBy, s.campaign()), rolled);
                assertSameFunnel(rawFunnel(secondDay, to, zone, groupBy, s.campaign()),
                        api(range(secondDay, to, zone, groupBy, s.campaign())));
                assertSameFunnel(rawFunnel(from, lastDays, zone, groupBy, s.campaign()),
                        api(range(from, lastDays, zone, groupBy, s.campaign())));
            }
        }
        // the link without traffic is a row of zeros on the rollup path too
        JsonNode byLink = api(range(from, to, ZoneId.of("UTC"), GroupBy.LINK, s.campaign()));
        JsonNode idle = null;
        for (JsonNode row : byLink.get("rows")) {
            idle = row.get("link").asText().equals(s.idle()) ? row : idle;
        }
        assertEquals(0, idle.get("clicks").asLong(), byLink.toString());
        assertEquals(0, idle.get("conversations").asLong());
        assertTrue(idle.get("clickToReferral").get("p50").isNull());
        // a range up to now: the days since the last rollup (today) come from the raw rows
        click(s.campaign() + "-today", s.box(), Instant.now().minusSeconds(5), false);
        Instant now = Instant.now().plusSeconds(60);
        assertSameFunnel(rawFunnel(from, now, BERLIN, GroupBy.CAMPAIGN, s.campaign()),
                api(range(from, now, BERLIN, GroupBy.CAMPAIGN, s.campaign())));

        // top refs: the box's refs under its ref, equal counts, first and last; a whole month between
        // the edges (read from the month rows), and from the month's second day (its days as days)
        assertSameTopRefs(s, from, to);
        assertSameTopRefs(s, secondDay, to);
    }

    private void assertSameTopRefs(Seeded s, Instant from, Instant to) throws Exception {
        String top = "/api/v1/stats/top-refs?from=" + from + "&to=" + to + "&campaign=" + s.campaign() + "&limit=500";
        JsonNode rolledTop = JSON.readTree(FunnelTest.viewer().get(top).then().statusCode(200).extract().asString());
        JsonNode rawTop = mapper.valueToTree(new FunnelStore(pool, Duration.ofSeconds(30))
                .topRefs(new TopRefsQuery(from, to, null, s.campaign(), null, null, 500)).await().atMost(WAIT));
        assertEquals(rawTop.size(), rolledTop.get("items").size(), rolledTop.toString());
        for (int i = 0; i < rawTop.size(); i++) {
            for (String field : List.of("ref", "refStatus", "link", "campaign", "channel", "conversations", "users",
                    "firstAt", "lastAt")) {
                assertEquals(String.valueOf(rawTop.get(i).get(field)), String.valueOf(rolledTop.get("items").get(i).get(field)),
                        field + " in " + rolledTop);
            }
        }
    }

    @Test
    void theAnswerComesFromTheRollupsUntilTheDayIsRolledUpAgain() throws Exception {
        Seeded s = seed();
        rollUp(base(), base().plusDays(6)); // Berlin's day after the last UTC day holds its late hours
        Instant from = at(base(), "05:17:00");
        Instant to = at(base().plusDays(4), "13:41:00");
        String query = range(from, to, ZoneId.of("UTC"), GroupBy.LINK, s.campaign());
        long clicks = linkRow(api(query), s.box()).get("clicks").asLong();

        // a rollup row altered behind the job's back changes the answer: the rollups are what is read
        Db.rows(pool, "UPDATE stats_link_day SET clicks = clicks + 1000 WHERE zone = 'UTC' AND day = $1 AND link_id = $2",
                base().plusDays(1), s.box());
        assertEquals(clicks + 1000, linkRow(api(query), s.box()).get("clicks").asLong());
        // grouped by day in a zone that is not rolled up, the raw rows answer
        ZoneId newYork = ZoneId.of("America/New_York");
        assertSameFunnel(rawFunnel(from, to, newYork, GroupBy.DAY, s.campaign()),
                api(range(from, to, newYork, GroupBy.DAY, s.campaign())));

        // a change to a day older than the lookback: not picked up by a run, but by a rebuild
        Db.rows(pool, "UPDATE reply SET status = 'SENT', sent_at = created_at + interval '3 seconds' WHERE attribution_id"
                + " IN (SELECT attribution_id FROM attribution WHERE campaign_id = $1) AND status = 'PENDING'", s.campaign());
        rollups.run().await().atMost(JOB);
        assertEquals(clicks + 1000, linkRow(api(query), s.box()).get("clicks").asLong());
        FunnelTest.viewer().post("/api/v1/stats/rollups/rebuild?from=" + base() + "&to=" + base()).then().statusCode(403);
        FunnelTest.admin().post("/api/v1/stats/rollups/rebuild?from=" + base() + "&to=" + base().plusDays(5)).then()
                .statusCode(200).body("days", org.hamcrest.Matchers.equalTo(12));
        assertEquals(clicks, linkRow(api(query), s.box()).get("clicks").asLong());
        assertSameFunnel(rawFunnel(from, to, ZoneId.of("UTC"), GroupBy.LINK, s.campaign()), api(query));
        assertEquals(0, linkRow(api(query), s.box()).get("replies").get("pending").asLong());
        FunnelTest.admin().post("/api/v1/stats/rollups/rebuild?from=nope&to=" + base()).then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("from"));
    }

    /**
     * Each shape of query reads the smallest rollup that answers it, shown as above by rows altered
     * behind the job's back: whole campaigns from the campaign days, whole months from the link
     * months, and a month less a day outside the range as its month row less that day's row. The
     * other tests only show that the answers equal the raw rows', which the link days alone would
     * also give.
     */
    @Test
    void eachShapeOfQueryIsReadFromTheSmallestRollupThatAnswersIt() throws Exception {
        Seeded s = seed();
        rollups.run().await().atMost(JOB);
        rollups.rebuild(month(), month().plusMonths(1)).await().atMost(JOB);
        rollups.rebuild(base(), base().plusDays(6)).await().atMost(JOB);
        ZoneId utc = ZoneId.of("UTC");
        Instant from = base().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = base().plusDays(5).atStartOfDay(ZoneOffset.UTC).toInstant();
        String byCampaign = range(from, to, utc, GroupBy.CAMPAIGN, s.campaign());
        String byLink = range(from, to, utc, GroupBy.LINK, s.campaign());
        long campaignClicks = api(byCampaign).get("rows").get(0).get("clicks").asLong();
        long boxClicks = linkRow(api(byLink), s.box()).get("clicks").asLong();

        Db.rows(pool, "UPDATE stats_campaign_day SET clicks = clicks + 1000 WHERE zone = 'UTC' AND day = $1"
                + " AND campaign_id = $2", base().plusDays(1), s.campaign());
        assertEquals(campaignClicks + 1000, api(byCampaign).get("rows").get(0).get("clicks").asLong());
        JsonNode days = api(range(from, to, utc, GroupBy.DAY, s.campaign()));
        long dayTotal = 0;
        for (JsonNode day : days.get("rows")) {
            dayTotal += day.get("clicks").asLong();
        }
        assertEquals(campaignClicks + 1000, dayTotal, days.toString());
        // a link grouping, or one channel of the campaign, reads the link rows, which are unchanged
        assertEquals(boxClicks, linkRow(api(byLink), s.box()).get("clicks").asLong());
        JsonNode packaging = JSON.readTree(FunnelTest.viewer().get("/api/v1/stats/funnel?" + byCampaign + "&channel=packaging")
                .then().statusCode(200).extract().asString());
        assertTrue(packaging.get("rows").get(0).get("clicks").asLong() < campaignClicks, packaging.toString());

        // a whole calendar month: its month row
        Instant monthStart = month().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant monthEnd = month().plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        String wholeMonth = range(monthStart, monthEnd, utc, GroupBy.LINK, s.campaign());
        long monthClicks = linkRow(api(wholeMonth), s.box()).get("clicks").asLong();
        assertEquals(3, monthClicks);
        Db.rows(pool, "UPDATE stats_link_month SET clicks = clicks + 1000 WHERE zone = 'UTC' AND month = $1"
                + " AND link_id = $2", month(), s.box());
        assertEquals(monthClicks + 1000, linkRow(api(wholeMonth), s.box()).get("clicks").asLong());

        // from the month's second day: the month row less its first day's row, not the 29 or 30 days inside
        String lessItsFirstDay = range(monthStart.plus(Duration.ofDays(1)), monthEnd, utc, GroupBy.LINK, s.campaign());
        assertEquals(monthClicks + 1000 - 1, linkRow(api(lessItsFirstDay), s.box()).get("clicks").asLong());
        Db.rows(pool, "UPDATE stats_link_day SET clicks = clicks + 100 WHERE zone = 'UTC' AND day = $1 AND link_id = $2",
                month(), s.box());
        assertEquals(monthClicks + 1000 - 1 - 100, linkRow(api(lessItsFirstDay), s.box()).get("clicks").asLong());

        // the altered days rolled up again: the rollups agree with the raw rows once more
        rollups.rebuild(month(), month().plusDays(1)).await().atMost(JOB);
        rollups.rebuild(base().plusDays(1), base().plusDays(2)).await().atMost(JOB);
        assertSameFunnel(rawFunnel(monthStart, monthEnd, utc, GroupBy.LINK, s.campaign()), api(wholeMonth));
        assertSameFunnel(rawFunnel(from, to, utc, GroupBy.CAMPAIGN, s.campaign()), api(byCampaign));
    }

    private static JsonNode linkRow(JsonNode report, String link) {
        for (JsonNode row : report.get("rows")) {
            if (link.equals(row.get("link").asText())) {
                return row;
            }
        }
        throw new AssertionError("no link " + link + " in " + report);
    }

    @Test
    void eachRunRollsUpTheLookbackAgainSoALateReplyOutcomeCounts() throws Exception {
        String campaign = LinksTest.newCampaign();
        String link = LinksTest.newLink(campaign, "tv", "Spot").get("id").asText();
        LocalDate twoDaysAgo = TODAY.minusDays(2);
        attribution(campaign + "-late", campaign, link, "tv", campaign + "-u", at(twoDaysAgo, "11:00:00"),
                "NEW_THREAD_MESSAGE", null, null, ReplyStatus.PENDING, false);
        rollups.run().await().atMost(JOB);
        Instant from = twoDaysAgo.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = from.plus(Duration.ofDays(1));
        String query = range(from, to, ZoneId.of("UTC"), GroupBy.LINK, campaign);
        assertEquals(1, linkRow(api(query), link).get("replies").get("pending").asLong());
        assertEquals(List.of(1L, 0L), rollupReplies(twoDaysAgo, link));

        // the reply is sent the next day: the next run rolls the day up again
        Db.rows(pool, "UPDATE reply SET status = 'SENT', sent_at = now() WHERE attribution_id = $1", campaign + "-late");
        rollups.run().await().atMost(JOB);
        assertEquals(List.of(0L, 1L), rollupReplies(twoDaysAgo, link));
        JsonNode row = linkRow(api(query), link);
        assertEquals(0, row.get("replies").get("pending").asLong());
        assertEquals(1, row.get("replies").get("sent").asLong());
        assertTrue(row.get("referralToReply").get("p50").asDouble() > 86_400, row.toString());
    }

    /** What the UTC rollup row holds: pending, sent. */
    private List<Long> rollupReplies(LocalDate day, String link) {
        Map<String, Object> row = Db.rows(pool, "SELECT coalesce(replies[$3], 0) AS pending, coalesce(replies[$4], 0) AS sent"
                + " FROM stats_link_day WHERE zone = 'UTC' AND day = $1 AND link_id = $2", day, link,
                ReplyStatus.PENDING.ordinal() + 1, ReplyStatus.SENT.ordinal() + 1).get(0);
        return List.of(((Number) row.get("pending")).longValue(), ((Number) row.get("sent")).longValue());
    }

    @Test
    void distinctCountsAreDistinctPerDayOnTheRollupPath() throws Exception {
        String campaign = LinksTest.newCampaign();
        String link = LinksTest.newLink(campaign, "web", "Page").get("id").asText();
        LocalDate day = base().plusDays(7);
        // one click, followed by a referral on two days; the same user bound on both days
        click(campaign + "-k", link, at(day, "20:00:00"), false);
        attribution(campaign + "-a1", campaign, link, "web", campaign + "-u", at(day, "20:01:00"), "NEW_THREAD_MESSAGE",
                campaign + "-k", "ext-1", null, false);
        attribution(campaign + "-a2", campaign, link, "web", campaign + "-u", at(day.plusDays(1), "09:00:00"),
                "EXISTING_THREAD_REFERRAL", campaign + "-k", "ext-1", null, false);
        rollUp(day, day.plusDays(2));
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = from.plus(Duration.ofDays(2));
        JsonNode rawRow = rawFunnel(from, to, ZoneId.of("UTC"), GroupBy.LINK, campaign).get("rows").get(0);
        JsonNode rolledRow = linkRow(api(range(from, to, ZoneId.of("UTC"), GroupBy.LINK, campaign)), link);
        assertEquals(1, rawRow.get("referralsFromClicks").asLong());
        assertEquals(1, rawRow.get("boundIdentities").asLong());
        // summed over days: the click and the user count once on each day
        assertEquals(2, rolledRow.get("referralsFromClicks").asLong());
        assertEquals(2, rolledRow.get("boundIdentities").asLong());
        assertEquals(2.0, rolledRow.get("conversion").asDouble(), 1e-9);
        assertEquals(rawRow.get("conversations").asLong(), rolledRow.get("conversations").asLong());

        JsonNode top = JSON.readTree(FunnelTest.viewer().get("/api/v1/stats/top-refs?from=" + from + "&to=" + to
                + "&link=" + link).then().statusCode(200).extract().asString());
        long users = 0;
        for (JsonNode item : top.get("items")) {
            users += item.get("users").asLong();
        }
        List<TopRef> rawTop = new FunnelStore(pool, Duration.ofSeconds(30))
                .topRefs(new TopRefsQuery(from, to, null, null, null, link, 20)).await().atMost(WAIT);
        assertEquals(1, rawTop.size());
        assertEquals(1, rawTop.get(0).users());
        assertEquals(2, rawTop.get(0).conversations());
        assertEquals(2, users, top.toString());
    }
}
