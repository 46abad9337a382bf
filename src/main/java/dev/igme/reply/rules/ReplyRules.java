package dev.igme.reply.rules;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.Scenario;
import dev.igme.config.IgmeConfig;
import dev.igme.graph.QuickReply;
import dev.igme.platform.Jobs;
import dev.igme.platform.Json;
import dev.igme.platform.NewestLoad;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * The reply rules: stored in PostgreSQL, managed through the API or the rules file, and kept in
 * memory for the replier, which reads them for every attribution. Changes made here are seen at
 * once; changes made by another instance within {@code igme.reply.rules-refresh-interval}.
 */
@ApplicationScoped
public class ReplyRules {

    /** A rule with that name exists already. */
    public static final class NameTaken extends RuntimeException {
        NameTaken(String name) {
            super("a rule named '" + name + "' exists already");
        }
    }

    private static final TypeReference<List<Scenario>> SCENARIOS = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final ReplyRuleRepository repository;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final boolean replier;
    private final IgmeConfig config;
    private final CouponPoolNames pools;
    private final NewestLoad<List<ReplyRule>> current = new NewestLoad<>(List.of());

    public ReplyRules(ReplyRuleRepository repository, ObjectMapper mapper, Clock clock, Roles roles, IgmeConfig config,
            CouponPoolNames pools) {
        this.config = config;
        this.pools = pools;
        this.replier = roles.has(Role.REPLIER);
        this.repository = repository;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * The rules as last loaded: what the replier decides with. Before the first successful load
     * this loads them (and fails if it cannot), so that no event is ever decided as NO_RULE just
     * because the rules were not there yet.
     */
    public Uni<List<ReplyRule>> current() {
        return current.loaded() ? Uni.createFrom().item(current.get()) : load();
    }

    /** Reads the rules and keeps them, unless a load that started later was kept first. */
    private Uni<List<ReplyRule>> load() {
        return Uni.createFrom().deferred(() -> {
            long ticket = current.begin();
            return list().invoke(rules -> current.offer(ticket, rules));
        });
    }

    @WithSession
    public Uni<List<ReplyRule>> list() {
        return repository.listAll(Sort.by("id")).map(rows -> rows.stream().map(this::toRule).toList());
    }

    @WithSession
    public Uni<ReplyRule> get(long id) {
        return repository.findById(id).map(row -> row == null ? null : toRule(row));
    }

    public Uni<ReplyRule> create(ReplyRule rule) {
        ReplyRule valid = RuleValidator.validate(rule);
        return requirePool(valid).chain(() -> createInTransaction(valid)).call(this::refresh);
    }

    @WithTransaction
    Uni<ReplyRule> createInTransaction(ReplyRule valid) {
        return repository.find("name", valid.name()).firstResult().chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(new NameTaken(valid.name()));
            }
            ReplyRuleEntity row = new ReplyRuleEntity();
            copy(valid, row);
            return repository.persist(row).map(this::toRule);
        });
    }

    /** Replaces the rule; null when there is none with that id. */
    public Uni<ReplyRule> update(long id, ReplyRule rule) {
        ReplyRule valid = RuleValidator.validate(rule);
        return requirePool(valid).chain(() -> updateInTransaction(id, valid)).call(this::refresh);
    }

    @WithTransaction
    Uni<ReplyRule> updateInTransaction(long id, ReplyRule valid) {
        return repository.find("name = ?1 and id <> ?2", valid.name(), id).firstResult().chain(clash -> {
            if (clash != null) {
                return Uni.createFrom().failure(new NameTaken(valid.name()));
            }
            return repository.findById(id).map(row -> {
                if (row == null) {
                    return null;
                }
                copy(valid, row);
                return toRule(row);
            });
        });
    }

    /** Fails with an {@link RuleValidator.InvalidRule} on {@code couponPool} when the rule names a pool that does not exist. */
    private Uni<Void> requirePool(ReplyRule valid) {
        return missingPools(List.of(valid)).map(missing -> {
            if (!missing.isEmpty()) {
                throw unknownPool(missing.get(0).couponPool());
            }
            return null;
        });
    }

    /** The rules (validated) whose {@code couponPool} names no existing pool. */
    public Uni<List<ReplyRule>> missingPools(List<ReplyRule> rules) {
        Set<String> named = new HashSet<>();
        rules.forEach(rule -> {
            if (rule.couponPool() != null) {
                named.add(rule.couponPool());
            }
        });
        if (named.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pools.existing(named).map(existing -> rules.stream()
                .filter(rule -> rule.couponPool() != null && !existing.contains(rule.couponPool())).toList());
    }

    static RuleValidator.InvalidRule unknownPool(String name) {
        return new RuleValidator.InvalidRule("couponPool", "names no coupon pool: '" + name
                + "'; create it first (POST /api/v1/coupon-pools)");
    }

    /** Rules that take their codes from this pool, for whoever wants to remove it. */
    @WithSession
    public Uni<List<String>> namesUsingPool(String pool) {
        return repository.find("couponPool", pool).list().map(rows -> rows.stream().map(row -> row.name).toList());
    }

    public Uni<Boolean> delete(long id) {
        return deleteInTransaction(id).call(this::refresh);
    }

    @WithTransaction
    Uni<Boolean> deleteInTransaction(long id) {
        return repository.deleteById(id);
    }

    /** Upserts rules by name (the rules file); returns how many were written. */
    @WithTransaction
    public Uni<Integer> importRules(List<ReplyRule> rules) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ReplyRule rule : rules) {
            chain = chain.chain(() -> repository.find("name", rule.name()).firstResult().chain(existing -> {
                ReplyRuleEntity row = existing == null ? new ReplyRuleEntity() : existing;
                copy(rule, row);
                return existing == null ? repository.persist(row).replaceWithVoid() : Uni.createFrom().voidItem();
            }));
        }
        return chain.map(ignored -> rules.size());
    }

    /** Every {@code igme.reply.rules-refresh-interval}, on instances with the replier role (the only one deciding with them). */
    void schedule(@Observes StartupEvent start, Scheduler scheduler) {
        if (replier) {
            Jobs.every(scheduler, "Reply rules refresh", config.reply().rulesRefreshInterval(), Duration.ofSeconds(1),
                    this::refresh);
        }
    }

    /** Loads the rules again; on failure the ones loaded before stay in use. */
    Uni<Void> refresh() {
        return load().replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("Could not reload reply rules (keeping %d): %s", current.get().size(), e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private void copy(ReplyRule rule, ReplyRuleEntity row) {
        row.name = rule.name();
        row.matchType = rule.match() == null ? null : rule.match().type().name();
        row.pattern = rule.match() == null ? null : rule.match().pattern();
        row.caseInsensitive = rule.match() != null && Boolean.TRUE.equals(rule.match().caseInsensitive());
        row.scenarios = json(rule.scenarios());
        row.accounts = json(rule.accounts());
        row.campaigns = json(rule.campaigns());
        row.channels = json(rule.channels());
        row.links = json(rule.links());
        row.priority = rule.priority();
        row.cooldownSeconds = rule.cooldownSeconds();
        row.enabled = rule.enabled();
        row.messageText = rule.message().text();
        row.quickReplies = json(rule.message().quickReplies());
        row.couponPool = rule.couponPool();
        row.updatedAt = clock.instant();
    }

    private ReplyRule toRule(ReplyRuleEntity row) {
        try {
            return new ReplyRule(row.id, row.name, row.matchType == null ? null
                    : new ReplyRule.Match(ReplyRule.MatchType.valueOf(row.matchType), row.pattern, row.caseInsensitive),
                    mapper.readValue(row.scenarios, SCENARIOS), mapper.readValue(row.accounts, STRINGS), row.priority,
                    row.cooldownSeconds, row.enabled,
                    new ReplyRule.Message(row.messageText, mapper.readValue(row.quickReplies, QuickReply.LIST)),
                    mapper.readValue(row.campaigns, STRINGS), mapper.readValue(row.channels, STRINGS),
                    mapper.readValue(row.links, STRINGS), row.couponPool);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply_rule " + row.id + " holds invalid JSON", e);
        }
    }

    private String json(Object value) {
        return Json.write(mapper, value);
    }
}
