package dev.zumik.cli;

import dev.zumik.replay.sign.SigningKeys;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik keys generate --out DIR}: an Ed25519 key pair for signing verdicts. */
@Command(name = "keys", description = "Verdict-signing keys: keys generate --out DIR.", subcommands = KeysCommand.Generate.class)
final class KeysCommand {

    @Command(name = "generate", description = "Write a new Ed25519 key pair: DIR/signing.key (private, mode 0600) and DIR/signing.pub (public, PEM).")
    static final class Generate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the key files (created if needed).")
        Path out;

        @Override
        public Integer call() {
            final KeyPair pair;
            try {
                pair = SigningKeys.generate(out);
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            } catch (final UncheckedIOException e) {
                throw ZumikException.failure(e.getMessage());
            }
            spec.commandLine().getOut().println("Signing key " + SigningKeys.keyId(pair.getPublic()) + ": private " + out.resolve(SigningKeys.PRIVATE_FILE)
                    + " (keep it secret), public " + out.resolve(SigningKeys.PUBLIC_FILE) + " (give it to whoever verifies verdicts)");
            return 0;
        }
    }
}
