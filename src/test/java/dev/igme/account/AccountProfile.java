package dev.igme.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The account tests' configuration: an account whose token comes from a file, an account expected
 * to get deliveries every ten seconds, ice breakers from a file for the first account, an
 * encryption key, and token files and activity checked every second (the scheduler's shortest interval).
 */
public class AccountProfile implements QuarkusTestProfile {

    public static final String FILE_ACCOUNT = "17841400000000004";
    public static final String QUIET_ACCOUNT = "17841400000000005";
    public static final String FIRST_FILE_TOKEN = "file-token-one";
    public static final Path TOKEN_FILE = Path.of("target", "account-tests", "token-" + FILE_ACCOUNT);
    /** base64 of 32 bytes. */
    public static final String ENCRYPTION_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(TOKEN_FILE.getParent());
            Files.writeString(TOKEN_FILE, FIRST_FILE_TOKEN + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.ofEntries(
                Map.entry("igme.accounts.\"" + FILE_ACCOUNT + "\".access-token-file", TOKEN_FILE.toString()),
                Map.entry("igme.accounts.\"" + QUIET_ACCOUNT + "\".access-token", "quiet-account-token"),
                Map.entry("igme.accounts.\"" + QUIET_ACCOUNT + "\".expect-deliveries-within", "10s"),
                Map.entry("igme.accounts.\"17841400000000001\".ice-breakers-file", "src/test/resources/accounts/ice-breakers.json"),
                Map.entry("igme.accounts.\"17841400000000002\".subscribe-standby", "true"),
                Map.entry("igme.tokens.encryption-key", ENCRYPTION_KEY),
                Map.entry("igme.tokens.file-check-interval", "1s"),
                Map.entry("igme.doctor.activity-interval", "1s"),
                Map.entry("igme.doctor.interval", "1h"));
    }
}
