package dev.zumik.sim;

import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import java.util.Map;
import java.util.Optional;

/** Shipped profiles, optionally made fast (1 ms overhead and ITL, no jitter) or faulty for tests. */
final class TestProfiles {
    private TestProfiles() { }

    static SimProfile shipped(final String name) {
        return Profiles.load(name, Optional.empty());
    }

    static SimProfile fast(final String name) {
        final SimProfile p = shipped(name);
        return with(p, new SimProfile.Latency(p.latency().prefillTokensPerSecond() * 100, 1, 1, 0, p.latency().maxBatch(),
                p.latency().prefillLanes(), 0), p.faults());
    }

    static SimProfile with(final SimProfile p, final SimProfile.Latency latency, final SimProfile.Faults faults) {
        return p.withLatency(latency).withFaults(faults);
    }

    static SimProfile.Faults faults(final double slowFirstByteMillis, final double spikeMillis) {
        return new SimProfile.Faults(Map.of(), 0, spikeMillis, 0, 0, slowFirstByteMillis);
    }
}
