package io.crmhub.events;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/**
 * Version 7 UUIDs (Unix time in milliseconds first, then randomness) for the ids the hub makes up: event ids and
 * correlation ids. They are as unique as random ones, but new values sort after older ones, so a new row lands at the
 * end of the outbox's event and correlation indexes instead of on a random page of each: on H2 a commit writes out
 * every page it touched, and on PostgreSQL random keys scatter index writes the same way.
 */
public final class TimeOrderedIds {
    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private TimeOrderedIds() {
    }

    public static String next() {
        return GENERATOR.generate().toString();
    }
}
