package dev.igme.account.icebreakers;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.igme.config.IgmeConfig;
import dev.igme.platform.Role;
import dev.igme.platform.Roles;
import io.quarkus.runtime.Startup;

/**
 * The ice breakers each account should have, from its {@code ice-breakers-file}, read and
 * validated at startup on the replier: an unreadable or invalid file stops startup with the file
 * and the field in the message, like the rules file.
 */
@ApplicationScoped
public class IceBreakerFiles {

    private final IgmeConfig config;
    private final ObjectMapper mapper;
    private final Roles roles;
    private final Map<String, IceBreakers> wanted = new HashMap<>();

    public IceBreakerFiles(IgmeConfig config, ObjectMapper mapper, Roles roles) {
        this.config = config;
        this.mapper = mapper;
        this.roles = roles;
    }

    @Startup
    void readAtStartup() {
        if (!roles.has(Role.REPLIER)) {
            return;
        }
        config.accounts().forEach((id, account) -> account.iceBreakersFile().ifPresent(file ->
                wanted.put(id, read(id, Path.of(file)))));
    }

    /** The configured ice breakers of the account, or null when it has no file. */
    public IceBreakers wanted(String igAccountId) {
        return wanted.get(igAccountId);
    }

    IceBreakers read(String id, Path file) {
        String property = "igme.accounts.\"" + id + "\".ice-breakers-file " + file;
        IceBreakers parsed;
        try {
            parsed = strictReader(mapper, IceBreakers.class).readValue(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException(property + " is not readable JSON in the shape of"
                    + " PUT /api/v1/accounts/{id}/ice-breakers: " + e.getMessage(), e);
        }
        if (parsed == null) {
            throw new IllegalStateException(property + " is empty");
        }
        try {
            return parsed.validate();
        } catch (IceBreakers.Invalid e) {
            throw new IllegalStateException(property + ": " + e.getMessage(), e);
        }
    }

    /** A misspelt field is refused rather than silently ignored. */
    public static ObjectReader strictReader(ObjectMapper mapper, Type type) {
        return mapper.readerFor(mapper.constructType(type)).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** For {@code @CustomDeserialization} on the API. */
    public static final class StrictReader implements BiFunction<ObjectMapper, Type, ObjectReader> {
        @Override
        public ObjectReader apply(ObjectMapper mapper, Type type) {
            return strictReader(mapper, type);
        }
    }
}
