package io.spillway.admin;

/**
 * Answers one management request. Handlers registered through {@link AdminServer#route} run on
 * the admin server's worker thread, never on an event loop, so they may block briefly (a reload
 * reads a file and binds listeners); the built-in handlers are in-memory reads.
 */
@FunctionalInterface
public interface AdminHandler {

    AdminResponse handle(AdminRequest request) throws Exception;
}
