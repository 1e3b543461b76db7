package dev.remotemedia.cli;

import picocli.CommandLine;

/** Version from the jar manifest (set by the build), or "dev". */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"remotemedia " + (v == null ? "dev" : v)};
    }
}
