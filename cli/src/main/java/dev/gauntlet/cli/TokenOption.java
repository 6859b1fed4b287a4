package dev.gauntlet.cli;

import dev.gauntlet.http.AccessToken;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --token}: the access token a command's servers require or its clients send (default: $GAUNTLET_TOKEN). */
final class TokenOption {

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description =
                    "Access token (16+ visible ASCII characters) for the admin, API and proxy routes; required with a --host beyond "
                            + "loopback. Default: the " + AccessToken.ENV
                            + " environment variable, which is safer (a command line is visible to "
                            + "other users in ps).")
    String token;

    /** The token given or in the environment; a usage error when it is malformed. */
    Optional<AccessToken> get(CommandSpec spec) {
        try {
            return AccessToken.explicitOrEnvironment(token);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--token (or " + AccessToken.ENV + "): " + e.getMessage());
        }
    }
}
