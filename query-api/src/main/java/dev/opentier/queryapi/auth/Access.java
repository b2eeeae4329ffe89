package dev.opentier.queryapi.auth;

import io.javalin.security.RouteRole;

/** Who may call a route. Every route declares one; {@link AuthGuard} enforces it. */
public enum Access implements RouteRole {
  /** Anyone, signed in or not. */
  PUBLIC,
  /** A signed-in user (admins included). */
  USER,
  /** A signed-in admin. */
  ADMIN
}
