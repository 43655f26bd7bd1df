package io.crmhub.boundaryfixture.events;

/** Uses only a constant of routing: javac copies "x-fixture" here, so the class file does not name FixtureRouting. */
public class FixtureOutbox {
    public String header() {
        return io.crmhub.boundaryfixture.routing.FixtureRouting.HEADER;
    }
}
