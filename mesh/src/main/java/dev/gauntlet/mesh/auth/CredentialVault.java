package dev.gauntlet.mesh.auth;

import java.util.Optional;

/** Where rotated secrets (refresh tokens) are kept so a new one is stored before it is ever used. */
public interface CredentialVault {
    Optional<String> loadCredential(String connector, String tenant, String name);

    void saveCredential(String connector, String tenant, String name, String value);
}
