package dev.igme.reply.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import dev.igme.platform.SchemaMigration;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Imports {@code igme.reply.rules-file} at startup: a JSON list of rules in the shape the API
 * takes, upserted by name, so that platform teams can keep rules in a ConfigMap. An unreadable or
 * invalid file stops startup with a message naming the file, the rule and the field.
 */
@ApplicationScoped
public class RulesFileImport {

    private final IgmeConfig config;
    private final ReplyRules rules;
    private final ObjectMapper mapper;
    private final Roles roles;

    public RulesFileImport(IgmeConfig config, ReplyRules rules, ObjectMapper mapper, Roles roles) {
        this.roles = roles;
        this.config = config;
        this.rules = rules;
        this.mapper = mapper;
    }

    @Startup(SchemaMigration.STARTUP_ORDER + 10)
    void importAtStartup() throws Throwable {
        if (!roles.has(Role.REPLIER)) {
            return;
        }
        if (config.reply().rulesFile().isPresent()) {
            Path file = Path.of(config.reply().rulesFile().get());
            List<ReplyRule> valid = read(file, mapper);
            List<ReplyRule> withoutPool = VertxContextSupport.subscribeAndAwait(() -> rules.missingPools(valid));
            if (!withoutPool.isEmpty()) {
                ReplyRule rule = withoutPool.get(0);
                throw new IllegalStateException("igme.reply.rules-file " + file + ": rule #" + (valid.indexOf(rule) + 1)
                        + " ('" + rule.name() + "'): " + ReplyRules.unknownPool(rule.couponPool()).getMessage());
            }
            int written = VertxContextSupport.subscribeAndAwait(() -> rules.importRules(valid));
            Log.infof("Imported %d reply rule(s) from %s", written, file);
        }
        VertxContextSupport.subscribeAndAwait(rules::refresh);
    }

    /** Reads and validates every rule of the file; the first problem stops everything. */
    public static List<ReplyRule> read(Path file, ObjectMapper mapper) {
        List<ReplyRule> parsed;
        try {
            parsed = ReplyRule.strictReader(mapper, new TypeReference<List<ReplyRule>>() { }.getType())
                    .readValue(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException("igme.reply.rules-file " + file + " is not a readable JSON list of rules: "
                    + e.getMessage(), e);
        }
        if (parsed == null) {
            throw new IllegalStateException("igme.reply.rules-file " + file + " is empty; expected a JSON list of rules");
        }
        List<ReplyRule> valid = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            try {
                valid.add(RuleValidator.validate(parsed.get(i)));
            } catch (RuleValidator.InvalidRule e) {
                String name = parsed.get(i) == null ? null : parsed.get(i).name();
                throw new IllegalStateException("igme.reply.rules-file " + file + ": rule #" + (i + 1)
                        + (name == null ? "" : " ('" + name + "')") + ": " + e.getMessage(), e);
            }
        }
        return valid;
    }
}
