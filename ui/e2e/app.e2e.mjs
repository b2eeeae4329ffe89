// The web app as people use it, in Debian's Chromium driven by playwright-core, against a real
// OpenTier (gateway, intelligence with extractive answers, pipeline) at BASE_URL. Run by the Java
// system test WebAppIT, which starts that platform. Every page a scenario visits is saved as a
// screenshot under SCREENSHOTS. Exits non-zero on the first failed check.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const files = JSON.parse(process.env.UPLOAD_FILES ?? "[]");
const screenshots = process.env.SCREENSHOTS ?? "target/screenshots";
const admin = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
const password = "a long enough password";
const alice = { email: `alice-${Date.now()}@example.org`, password };
const bob = { email: `bob-${Date.now()}@example.org`, password };
const QUESTION = "What did the lighthouse keeper record about the storm?";
const seconds = (n) => n * 1000;
mkdirSync(screenshots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const pageErrors = [];
let scenario = "";
let shots = 0;

try {
  const alicePage = await open();

  await run("sign-up-and-sign-in", async () => {
    await alicePage.goto(base);
    await shot(alicePage, "sign-in");
    await alicePage.getByRole("button", { name: "No account yet? Sign up" }).click();
    await alicePage.getByLabel("E-mail").fill(alice.email);
    await alicePage.getByLabel("Password").fill("short");
    await alicePage.getByRole("button", { name: "Create account" }).click();
    await alicePage.getByRole("alert").filter({ hasText: "at least 10 characters" }).waitFor();
    await shot(alicePage, "sign-up-refused");
    await alicePage.getByLabel("Password").fill(alice.password);
    await alicePage.getByRole("button", { name: "Create account" }).click();
    await alicePage.getByRole("navigation", { name: "Sections" }).waitFor();
    assert.equal(await alicePage.getByRole("button", { name: "Operations" }).count(), 0, "a user sees no operations dashboard");
    await signOut(alicePage);
    await signIn(alicePage, alice);
    await shot(alicePage, "chat-empty");
  });

  const adminPage = await open();
  await run("upload-while-an-admin-watches", async () => {
    await signIn(adminPage, admin);
    await adminPage.getByRole("button", { name: "Operations" }).click();
    await adminPage.getByText("database: up").waitFor({ timeout: seconds(30) });
    await adminPage.getByText("intelligence: up").waitFor();
    await shot(adminPage, "operations-idle");

    await alicePage.getByRole("button", { name: "Library" }).click();
    await alicePage.locator('input[type="file"]').setInputFiles(files);
    // the admin's dashboard shows documents moving through the stages while the job runs
    await adminPage.waitForFunction(() =>
      [...document.querySelectorAll('[aria-label="Throughput"] tbody tr')].some((row) => parseFloat(row.children[1]?.textContent ?? "0") > 0),
      null, { timeout: seconds(120) });
    await shot(adminPage, "operations-during-ingestion");

    const job = alicePage.getByRole("region", { name: /Upload of/ });
    await job.getByText(/done/).waitFor({ timeout: seconds(180) });
    assert.match(await job.textContent(), new RegExp(`${files.length} of ${files.length} concluded`));
    await alicePage.getByRole("cell", { name: "indexed" }).nth(files.length - 1).waitFor();
    assert.equal(await alicePage.getByRole("cell", { name: "indexed" }).count(), files.length);
    await shot(alicePage, "library-after-upload");
    await alicePage.getByRole("button", { name: "Lighthouse log 0", exact: true }).click();
    const panel = alicePage.getByRole("complementary", { name: /Document/ });
    await panel.getByText("Curation record").waitFor();
    assert.match(await panel.textContent(), /language/);
    await shot(alicePage, "document-page");
    await panel.getByRole("button", { name: "Close" }).click();
  });

  await run("ask-and-open-a-citation", async () => {
    await alicePage.getByRole("button", { name: "Chat" }).click();
    await alicePage.getByLabel("Your question").fill(QUESTION);
    await alicePage.getByRole("button", { name: "Send" }).click();
    const answer = alicePage.locator("article.message.assistant").last();
    await answer.getByText("Extractive answer: no language model is configured").waitFor({ timeout: seconds(60) });
    const sources = answer.getByRole("list", { name: "Sources" });
    await sources.waitFor();
    assert.equal(await answer.getByRole("alert").count(), 0, "no error in the answer");
    assert.match((await answer.locator("p").allTextContents()).join(" "), /\[\d+]/, "the answer carries citation markers");
    await shot(alicePage, "answer");
    // the inline marker [n] opens the passage it cites, which links to its document
    await answer.getByRole("button", { name: /^Open source \d+:/ }).first().click();
    const cited = alicePage.getByRole("complementary", { name: "Cited passage" });
    await cited.waitFor();
    assert.match(await cited.textContent(), /lighthouse/i, "the cited passage is from an uploaded document");
    assert.match(await cited.textContent(), /upload:\/\//, "the passage names its document");
    await shot(alicePage, "citation");
    await cited.getByRole("button", { name: "Open the document" }).click();
    await alicePage.getByRole("complementary", { name: /^Document/ }).getByText("Curation record").waitFor();
    await shot(alicePage, "cited-document");
    await alicePage.getByRole("button", { name: "Chat" }).click();

    await alicePage.getByRole("button", { name: "Dark theme" }).click();
    assert.equal(await alicePage.evaluate(() => document.documentElement.dataset.theme), "dark");
    await alicePage.setViewportSize({ width: 375, height: 740 });
    const overflow = await alicePage.evaluate(() => ({
      by: document.documentElement.scrollWidth - window.innerWidth,
      widest: [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
    }));
    assert.ok(overflow.by <= 1, `no sideways scrolling at phone width (overflow ${overflow.by}px: ${overflow.widest.join(", ")})`);
    await shot(alicePage, "phone-dark");
    await alicePage.setViewportSize({ width: 1280, height: 900 });
    await alicePage.getByRole("button", { name: "Light theme" }).click();
  });

  await run("another-user-sees-none-of-it", async () => {
    const bobPage = await open();
    await bobPage.goto(base);
    await bobPage.getByRole("button", { name: "No account yet? Sign up" }).click();
    await bobPage.getByLabel("E-mail").fill(bob.email);
    await bobPage.getByLabel("Password").fill(bob.password);
    await bobPage.getByRole("button", { name: "Create account" }).click();
    await bobPage.getByRole("button", { name: "Library" }).click();
    await bobPage.getByRole("table").waitFor();
    assert.equal(await bobPage.getByRole("cell", { name: "indexed" }).count(), 0, "Alice's private documents are not in Bob's library");
    await shot(bobPage, "library-of-another-user");
    await bobPage.getByRole("button", { name: "Chat" }).click();
    await bobPage.getByLabel("Your question").fill(QUESTION);
    await bobPage.getByRole("button", { name: "Send" }).click();
    const answer = bobPage.locator("article.message.assistant").last();
    await answer.getByText("I found nothing in the documents you can access").waitFor({ timeout: seconds(60) });
    assert.equal(await answer.getByRole("list", { name: "Sources" }).count(), 0, "no passage of Alice's is cited to Bob");
    await shot(bobPage, "answer-for-another-user");
  });

  await run("revoke-a-session", async () => {
    const elsewhere = await open();
    await signIn(elsewhere, alice);
    await alicePage.getByRole("button", { name: "Account" }).click();
    const sessions = alicePage.getByRole("region", { name: "Sessions" });
    await sessions.getByText("this session").waitFor();
    await sessions.getByRole("button", { name: /End the session/ }).first().waitFor();
    await shot(alicePage, "account");
    const others = await sessions.getByRole("button", { name: /End the session/ }).count();
    for (let i = 0; i < others; i++) await sessions.getByRole("button", { name: /End the session/ }).first().click();
    await alicePage.waitForFunction(() => !document.body.textContent.includes("End session"), null, { timeout: seconds(10) });
    await elsewhere.reload();
    await elsewhere.getByRole("button", { name: "Sign in" }).waitFor();
    await shot(elsewhere, "signed-out-elsewhere");
  });

  await run("admin-pages", async () => {
    await adminPage.getByRole("button", { name: "Admin" }).click();
    await adminPage.getByRole("cell", { name: alice.email }).waitFor();
    await adminPage.getByRole("region", { name: "Audit log" }).getByText(/account\.|admin\.|document\./).first().waitFor();
    await shot(adminPage, "admin");
  });

  assert.deepEqual(pageErrors, [], "no script errors in the pages");
  console.log(`web app: all checks passed (${shots} screenshots in ${screenshots})`);
} finally {
  await browser.close();
}

async function open() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(`${scenario}: ${e.message}`));
  return page;
}

async function run(name, body) {
  scenario = name;
  console.log(`- ${name}`);
  await body();
}

async function shot(page, name) {
  shots++;
  await page.screenshot({ path: join(screenshots, `${scenario}-${String(shots).padStart(2, "0")}-${name}.png`), fullPage: true });
}

async function signIn(page, who) {
  await page.goto(base);
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Sections" }).waitFor();
}

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
}
