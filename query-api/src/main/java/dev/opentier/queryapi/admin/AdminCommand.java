package dev.opentier.queryapi.admin;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.AuthSettings;
import dev.opentier.queryapi.auth.Sessions;
import dev.opentier.queryapi.auth.PasswordHasher;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./opentier admin create-user --email … --role admin}: an account made from the command line. */
@Command(name = "opentier admin", mixinStandardHelpOptions = true, subcommands = AdminCommand.CreateUser.class,
    description = "Administration from the command line.")
public final class AdminCommand implements Runnable {
  public static void main(String[] args) {
    CommandLine line = new CommandLine(new AdminCommand());
    line.setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("opentier admin: " + e.getMessage());
      return 2;
    });
    System.exit(line.execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(name = "create-user", mixinStandardHelpOptions = true,
      description = "Creates an account. The password is asked for on the terminal, or read from standard input with --password-stdin.")
  static final class CreateUser implements Callable<Integer> {
    @Option(names = "--email", required = true)
    String email;

    @Option(names = "--role", description = "user or admin (default: user)")
    String role = "user";

    @Option(names = "--name", description = "display name")
    String name;

    @Option(names = "--password-stdin", description = "read the password from standard input (first line)")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      if (!role.equals("user") && !role.equals("admin")) throw new IllegalArgumentException("--role must be user or admin");
      String password = readPassword();
      try (Database database = Database.connect(DatabaseSettings.from(Settings.fromEnvironment()), "admin")) {
        new Migrations(database.dataSource()).requireCurrent();
        Settings settings = Settings.fromEnvironment();
        Accounts accounts = new Accounts(database.dsl(), new PasswordHasher(), new Sessions(database.dsl(), AuthSettings.from(settings, 0)));
        var user = accounts.create(email, password, name, role);
        accounts.audit(null, "cli.user.create:" + role, "user", user.getId().toString(), null, null);
        System.out.printf("created %s %s (%s)%n", role, user.getEmail(), user.getId());
        return 0;
      } catch (Accounts.InvalidInput | Accounts.EmailTaken | SettingException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    private String readPassword() throws Exception {
      if (passwordStdin) {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) throw new IllegalArgumentException("no password on standard input");
        return line;
      }
      Console console = System.console();
      if (console == null) throw new IllegalArgumentException("no terminal to ask for the password: use --password-stdin");
      char[] first = console.readPassword("password: ");
      char[] again = console.readPassword("again: ");
      if (first == null || again == null || !new String(first).equals(new String(again))) throw new IllegalArgumentException("the passwords differ");
      return new String(first);
    }
  }
}
