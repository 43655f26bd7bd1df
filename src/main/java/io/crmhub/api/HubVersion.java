package io.crmhub.api;

import org.springframework.boot.info.BuildProperties;

/** The hub's version: from the build's {@code build-info.properties}, else the jar manifest, else "unknown". */
final class HubVersion {
    private HubVersion() {
    }

    static String of(BuildProperties build) {
        if (build != null && build.getVersion() != null) {
            return build.getVersion();
        }
        String manifest = HubVersion.class.getPackage().getImplementationVersion();
        return manifest == null ? "unknown" : manifest;
    }
}
