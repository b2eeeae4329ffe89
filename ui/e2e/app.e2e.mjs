// The web app as a person uses it, in Debian's Chromium driven by playwright-core, against a real
// OpenTier (gateway, intelligence with extractive answers, pipeline) at BASE_URL. Run by the Java
// system test WebAppIT, which starts that platform. Exits non-zero on the first failed check.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const base = process.env.BASE_URL;
const files = JSON.parse(process.env.UPLOAD_FILES ?? "[]");
const admin = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
const user = { email: `reader-${Date.now()}@example.org`, password: "a long enough password" };
const seconds = (n) => n * 1000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));

  step("sign-up validates, then signs the new user in");
  await page.goto(base);
  await page.getByRole("button", { name: "No account yet? Sign up" }).click();
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("alert").filter({ hasText: "at least 10 characters" }).waitFor();
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("navigation", { name: "Sections" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Operations" }).count(), 0, "a user sees no operations dashboard");

  step("uploads files and follows the job live to its end");
  await page.getByRole("button", { name: "Library" }).click();
  await page.locator('input[type="file"]').setInputFiles(files);
  const job = page.getByRole("region", { name: /Upload of/ });
  await job.getByText(/done/).waitFor({ timeout: seconds(180) });
  const summary = await job.textContent();
  assert.match(summary, new RegExp(`${files.length} of ${files.length} concluded`), summary);
  await page.getByRole("cell", { name: "indexed" }).first().waitFor();
  assert.equal(await page.getByRole("cell", { name: "indexed" }).count(), files.length);

  step("asks a question: the answer streams in, says it is extractive, and cites passages that open");
  await page.getByRole("button", { name: "Chat" }).click();
  await page.getByLabel("Your question").fill("What did the lighthouse keeper record about the storm?");
  await page.getByRole("button", { name: "Send" }).click();
  const answer = page.locator("article.message.assistant").last();
  await answer.getByText("Extractive answer: no language model is configured").waitFor({ timeout: seconds(60) });
  const sources = answer.getByRole("list", { name: "Sources" });
  await sources.waitFor();
  assert.equal(await answer.getByRole("alert").count(), 0, "no error in the answer");
  const firstSource = sources.getByRole("button").first();
  const label = await firstSource.textContent();
  assert.match(await answer.locator("p").allTextContents().then((t) => t.join(" ")), /\[\d+]/, "the answer carries citation markers");
  await firstSource.click();
  const cited = page.getByRole("complementary", { name: "Cited passage" });
  await cited.waitFor();
  assert.match(await cited.textContent(), /lighthouse/i, `the cited passage (${label}) is one of the uploaded documents`);
  await cited.getByRole("button", { name: "Close" }).click();
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("listitem").first().waitFor({ timeout: seconds(15) });

  step("dark theme and a phone-width layout");
  await page.getByRole("button", { name: "Dark theme" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(() => ({
    by: document.documentElement.scrollWidth - window.innerWidth,
    widest: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  }));
  assert.ok(overflow.by <= 1, `no sideways scrolling at phone width (overflow ${overflow.by}px: ${overflow.widest.join(", ")})`);
  await page.setViewportSize({ width: 1280, height: 900 });

  step("an admin watches the operations dashboard live");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("E-mail").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Operations" }).click();
  await page.getByText("database: up").waitFor({ timeout: seconds(30) });
  await page.getByText("intelligence: up").waitFor();
  await page.getByRole("region", { name: "Chat latency" }).getByText(/answers\)/).waitFor();

  assert.deepEqual(pageErrors, [], "no script errors in the page");
  console.log("web app: all checks passed");
} finally {
  await browser.close();
}

function step(text) {
  console.log(`- ${text}`);
}
