package dev.igme.account.doctor;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The doctor's findings for one account at one moment; {@code username} is null when unknown. */
public record DoctorReport(String account, String flavour, String username, Instant checkedAt,
        Finding.Severity worst, List<Finding> findings) {

    public static DoctorReport of(String account, String flavour, String username, Instant checkedAt,
            List<Finding> findings) {
        Finding.Severity worst = findings.stream().map(Finding::severity).max(Comparator.naturalOrder())
                .orElse(Finding.Severity.OK);
        return new DoctorReport(account, flavour, username, checkedAt, worst, List.copyOf(findings));
    }

    /** The finding of this check (each check gives exactly one). */
    public Finding finding(Finding.Check check) {
        return findings.stream().filter(f -> f.check() == check).findFirst().orElseThrow();
    }

    public long count(Finding.Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }
}
