package io.asyncudf.it.opensearch;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The account a test server process runs as. OpenSearch refuses to start as root, so a root JVM
 * hands the server to the unprivileged system user {@value SystemUser#NAME}, creating it on first
 * use; any other JVM runs the server as itself.
 */
sealed interface ProcessOwner {

  static ProcessOwner forThisJvm() {
    return new UnixSystem().getUid() == 0 ? SystemUser.ensureExists() : new CurrentUser();
  }

  /** {@code preferred} when this owner can reach it, otherwise the JVM's temp directory. */
  Path reachableDirectory(Path preferred);

  /** Makes {@code directory} and everything in it this owner's. */
  void takeOwnership(Path directory);

  /** {@code command}, run as this owner. */
  List<String> runAs(List<String> command);

  /** The JVM's own user. */
  record CurrentUser() implements ProcessOwner {

    @Override
    public Path reachableDirectory(Path preferred) {
      return preferred;
    }

    @Override
    public void takeOwnership(Path directory) {}

    @Override
    public List<String> runAs(List<String> command) {
      return command;
    }
  }

  /** A login-less system user, switched to with util-linux's {@code setpriv}. */
  record SystemUser(String name) implements ProcessOwner {

    static final String NAME = "asyncudf-os";

    static SystemUser ensureExists() {
      if (!exists(NAME)) {
        Commands.Result added = Commands.run(Commands.executable("useradd", "Debian package passwd"),
            "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME);
        // a concurrent JVM may have won the race, so useradd's exit code alone does not decide
        if (!exists(NAME)) {
          added.orThrow();
          throw new IllegalStateException("useradd succeeded but " + NAME + " does not exist");
        }
      }
      return new SystemUser(NAME);
    }

    private static boolean exists(String user) {
      return Commands.run("id", "-u", user).exitCode() == 0;
    }

    @Override
    public Path reachableDirectory(Path preferred) {
      return traversableByAnyone(preferred) ? preferred : Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public void takeOwnership(Path directory) {
      Commands.run("chown", "-R", name + ":" + name, directory.toString()).orThrow();
    }

    @Override
    public List<String> runAs(List<String> command) {
      List<String> prefixed = new ArrayList<>(List.of(Commands.executable("setpriv", "Debian package util-linux"),
          "--reuid=" + name, "--regid=" + name, "--clear-groups", "--"));
      prefixed.addAll(command);
      return prefixed;
    }

    private static boolean traversableByAnyone(Path directory) {
      return Stream.iterate(directory.toAbsolutePath(), path -> path != null, Path::getParent)
          .filter(Files::exists)
          .allMatch(SystemUser::othersMayEnter);
    }

    private static boolean othersMayEnter(Path directory) {
      try {
        return Files.getPosixFilePermissions(directory).contains(PosixFilePermission.OTHERS_EXECUTE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
