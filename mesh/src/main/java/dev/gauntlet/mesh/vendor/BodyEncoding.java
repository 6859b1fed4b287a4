package dev.gauntlet.mesh.vendor;

/** How a vendor takes a write's body when the caller gives an object rather than bytes. */
public enum BodyEncoding {
    /** application/json. */
    JSON,
    /** application/x-www-form-urlencoded with bracket notation for nested values (Stripe). */
    FORM
}
