package dev.opentier.queryapi.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id at OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane), stored as a PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) so the parameters travel with each hash.
 */
public final class PasswordHasher {
  private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
  /** Verified against when the account does not exist, so both answers take as long. */
  private static final String DECOY = Password.hash("decoy password, never valid").addRandomSalt(16).with(ARGON2ID).getResult();

  public String hash(String password) {
    return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
  }

  /** True when the password matches; with a null hash (no such account) spends the same time and says no. */
  public boolean verify(String password, String storedHash) {
    String hash = storedHash == null ? DECOY : storedHash;
    boolean matches = Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    return storedHash != null && matches;
  }
}
