package dev.igme.platform;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/** The clock every time-dependent decision reads; tests may replace it. */
public class Clocks {

    @Produces
    @Singleton
    @DefaultBean
    Clock utc() {
        return Clock.systemUTC();
    }
}
