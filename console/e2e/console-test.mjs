// The operator console end to end in headless Chromium (Debian's, driven by playwright-core),
// against a running flashgroup started by scripts/console-test: it schedules an activity with two
// pickup points, signs in with an ADMIN token, buys through the API and checks that the Tonight
// page's remaining stock follows, that the funnel shows what the analytics API answers, that a
// claim can be approved from After-sales, and that the low-stock alerts are listed as the alerts API
// answers. The analytics and alerts endpoints are required: a 404 from either, or a page saying
// "not available", fails the test. Once in zh-CN (the default), once in English (the toggle). Screenshots of every page go to console/target/screenshots.
//
// Env: FG_URL (http://localhost:PORT), FG_ADMIN, FG_MERCHANT, FG_STAFF, FG_STAFF_SUBJECT (tokens
// and the staff token's subject), FG_BUYERS (a file, one CUSTOMER token a line), FG_SCREENSHOTS
// (folder), FG_CHROMIUM (/usr/bin/chromium).
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = need('FG_URL');
const tokens = { admin: need('FG_ADMIN'), merchant: need('FG_MERCHANT'), staff: need('FG_STAFF') };
const staffSubject = need('FG_STAFF_SUBJECT');
const buyers = readFileSync(need('FG_BUYERS'), 'utf8').split('\n').filter(Boolean);
const shots = process.env.FG_SCREENSHOTS ?? 'target/screenshots';
const PATIENCE = 20_000;
const PER_RUN = 3;

const LANGS = [
  { lang: 'zh-CN', nav: { tonight: '今晚', analytics: '数据分析', claims: '售后理赔', alerts: '库存预警' },
    pending: '待处理', notAvailable: '暂不可用', signIn: '登录', wholeActivity: '整个活动' },
  { lang: 'en', nav: { tonight: 'Tonight', analytics: 'Analytics', claims: 'After-sales', alerts: 'Alerts' },
    pending: 'Pending', notAvailable: 'Not available', signIn: 'Sign in', wholeActivity: 'Whole activity' },
];

function need(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set (scripts/console-test sets it)`);
  }
  return value;
}

function check(condition, message) {
  if (!condition) {
    throw new Error(`FAILED: ${message}`);
  }
  console.log(`  ok ${message}`);
}

async function api(token, method, path, body) {
  const response = await fetch(url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

async function expectStatus(expected, call, what) {
  const answer = await call;
  if (answer.status !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

async function until(what, probe, timeout = PATIENCE) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`FAILED: timed out after ${timeout} ms waiting for ${what}`);
}

const digits = (text) => Number(String(text).replace(/[^\d-]/g, ''));

// --- the shop: two points, an activity on sale now ------------------------------------------

async function point(name, lat, lng) {
  return (await expectStatus(201, api(tokens.admin, 'POST', '/api/v1/admin/pickup-points', {
    name, address: `浈江区 ${name}`, kind: 'CONVENIENCE_STORE', latitude: lat, longitude: lng,
    phone: '+86 751 1234567', opensAt: '08:00', closesAt: '21:30', zone: 'Asia/Shanghai',
  }), 'creating a pickup point')).id;
}

async function schedule(points) {
  const now = Date.now();
  const body = {
    title: '韶关沙田柚 5 斤装', mode: 'STANDARD', groupSize: 3, groupPrice: 2990, soloPrice: 3990, stock: 30,
    perUserLimit: 1, safetyStock: 28, // the first run's purchases take the stock under it
    startsAt: new Date(now - 1000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(),
    groupTtl: 'PT30M', payWindow: 'PT30M',
    pickup: {
      points: [{ pointId: points[0], stock: 20 }, { pointId: points[1], stock: 10 }],
      window: { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 5 * 3_600_000).toISOString() },
    },
  };
  return (await expectStatus(201, api(tokens.merchant, 'POST', '/api/v1/merchant/activities', body),
    'scheduling the activity')).id;
}

/**
 * A buyer looks at the activity (a funnel viewer), reserves a unit at the point and pays (the
 * sandbox gateway pays at once); its order id.
 */
async function buy(buyer, activity, pointId) {
  await expectStatus(200, api(buyer, 'GET', `/api/v1/activities/${activity}`), 'viewing the activity');
  const order = await expectStatus(201, api(buyer, 'POST', `/api/v1/activities/${activity}/orders`,
    { pickupPointId: pointId }), 'reserving');
  await expectStatus(200, api(buyer, 'POST', `/api/v1/orders/${order.orderId}/payment`), 'paying');
  return order.orderId;
}

/** The buyer collects the order at the point, then claims ¥10.00 for spoiled fruit; the claim's id. */
async function claimAfterPickup(buyer, order, pointId) {
  const pickup = await until('the pickup code', async () => {
    const answer = await api(buyer, 'GET', `/api/v1/orders/${order}/pickup`);
    return answer.status === 200 && answer.body.code ? answer.body : null;
  });
  await expectStatus(200, api(tokens.staff, 'POST', `/api/v1/pickup-points/${pointId}/verifications`,
    { code: pickup.code }), 'verifying the pickup');
  const claim = await expectStatus(201, api(buyer, 'POST', `/api/v1/orders/${order}/claims`,
    { reason: 'SPOILED', amount: 1000, note: '半箱烂了' }), 'filing the claim');
  check(claim.status === 'PENDING', `claim ${claim.id} of ¥10.00 waits for the merchant (${claim.status})`);
  return claim.id;
}

// --- the pages ------------------------------------------------------------------------------

async function text(page, testid) {
  return (await page.getByTestId(testid).textContent()) ?? '';
}

async function shot(page, lang, name) {
  await page.waitForTimeout(400); // let the last redraw land
  await page.screenshot({ path: `${shots}/${lang}-${name}.png`, fullPage: true });
}

/** The page answered: no "not available" notice (what the console shows for a missing endpoint) on it. */
async function notUnavailable(page, name, l) {
  const notices = await page.getByTestId('not-available').count();
  const body = (await page.locator('body').textContent()) ?? '';
  check(notices === 0 && !body.includes(l.notAvailable), `the ${name} page does not say "${l.notAvailable}"`);
}

async function run(browser, l, shop, buyersOfRun) {
  console.log(`console in ${l.lang}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: l.lang,
    timezoneId: 'Europe/Berlin' }); // not Shanghai: the page must convert times itself
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}/console/`);
  check(await page.getByTestId('sign-in').textContent() === '登录', 'the console opens in Chinese, at sign-in');
  if (l.lang === 'en') {
    await page.getByTestId('lang-toggle').click();
    check(await page.getByTestId('sign-in').textContent() === l.signIn, 'one click switches to English');
  }
  await page.getByTestId('token').fill(tokens.admin);
  await page.getByTestId('sign-in').click();
  if (l.lang === 'en') {
    await page.reload();
    check(await text(page, 'nav-tonight') === l.nav.tonight, 'English is remembered across a reload');
  }
  for (const [name, label] of Object.entries(l.nav)) {
    check(await text(page, `nav-${name}`) === label, `the ${name} tab reads "${label}"`);
  }

  // Tonight: the remaining stock follows the purchases.
  const remaining = page.getByTestId(`remaining-${shop.activity}`);
  await remaining.waitFor({ timeout: PATIENCE });
  const before = digits(await remaining.textContent());
  const pointBefore = digits(await text(page, `point-remaining-${shop.activity}-${shop.points[0]}`));
  const orders = [];
  for (const buyer of buyersOfRun) {
    orders.push(await buy(buyer, shop.activity, shop.points[0]));
  }
  await until(`Tonight showing ${before - buyersOfRun.length} left`,
    async () => digits(await remaining.textContent()) === before - buyersOfRun.length);
  check(true, `Tonight's remaining stock went from ${before} to ${before - buyersOfRun.length}`);
  await until('the point\'s remaining share to follow', async () =>
    digits(await text(page, `point-remaining-${shop.activity}-${shop.points[0]}`)) === pointBefore - buyersOfRun.length);
  check(true, `point ${shop.points[0]}'s share went from ${pointBefore} to ${pointBefore - buyersOfRun.length}`);
  const metrics = await expectStatus(200, api(tokens.admin, 'GET', '/api/v1/admin/metrics/tonight'), 'tonight');
  check(metrics.activities.some((a) => a.id === shop.activity && a.remaining === before - buyersOfRun.length),
    'the metrics endpoint agrees');
  await shot(page, l.lang, 'tonight');

  // Analytics: the funnel shows what the API answers.
  await page.getByTestId('nav-analytics').click();
  await until('the analytics funnel to count the purchases', async () => {
    const f = await api(tokens.admin, 'GET', `/api/v1/admin/analytics/funnel?activityId=${shop.activity}`);
    const bought = shop.paid + buyersOfRun.length;
    return f.status === 200 && f.body.paid >= bought && f.body.viewers >= bought;
  }, 30_000);
  let shown = false;
  for (let attempt = 0; attempt < 5 && !shown; attempt++) {
    const expected = (await api(tokens.admin, 'GET', `/api/v1/admin/analytics/funnel?activityId=${shop.activity}`)).body;
    await page.getByTestId('funnel-activity').fill(String(shop.activity));
    await page.getByTestId('funnel-show').click();
    await page.getByTestId('funnel-paid').waitFor({ timeout: PATIENCE });
    const again = (await api(tokens.admin, 'GET', `/api/v1/admin/analytics/funnel?activityId=${shop.activity}`)).body;
    if (JSON.stringify(expected) !== JSON.stringify(again)) {
      continue; // the figures moved while the page loaded; ask again
    }
    const bought = shop.paid + buyersOfRun.length;
    check(expected.reservations === bought && expected.paid === bought,
      `the API counts the ${bought} reservations and payments the test made`);
    for (const stage of ['viewers', 'reservations', 'paid', 'groupsSucceeded', 'pickedUp', 'refunded']) {
      const onPage = digits(await text(page, `funnel-${stage}`));
      check(onPage === expected[stage], `the funnel's ${stage} is ${expected[stage]} as the API says`);
    }
    shown = true;
  }
  check(shown, 'the funnel was compared with a steady API answer');
  await notUnavailable(page, 'funnel', l);
  await shot(page, l.lang, 'analytics');

  // After-sales: a pending claim, approved from the page.
  const claim = await claimAfterPickup(buyersOfRun[0], orders[0], shop.points[0]);
  await page.getByTestId('nav-claims').click();
  const row = page.getByTestId(`claim-${claim}`);
  await row.waitFor({ timeout: PATIENCE });
  check(await text(page, `claim-amount-${claim}`) === '¥10.00', 'the claim shows ¥10.00');
  check(await text(page, `claim-status-${claim}`) === l.pending, `its status reads "${l.pending}"`);
  await shot(page, l.lang, 'claims');
  await page.getByTestId(`approve-amount-${claim}`).fill('8.5');
  await page.getByTestId(`approve-${claim}`).click();
  await row.waitFor({ state: 'detached', timeout: PATIENCE });
  const decided = await until('the claim to be approved', async () => {
    const list = await api(tokens.admin, 'GET', '/api/v1/merchant/claims');
    const found = list.body.claims.find((c) => c.id === claim);
    return found && found.status !== 'PENDING' ? found : null;
  });
  check(decided.approvedAmount === 850, `approved from the page for ¥8.50 (${decided.status})`);

  // Alerts: the page lists what the alerts API answers for the activity.
  await page.getByTestId('nav-alerts').click();
  // The projector records alerts from the activity's stream: wait for the activity-level one.
  const listed = await until('the alerts API to list the activity\'s low-stock alert', async () => {
    const answer = await expectStatus(200, api(tokens.admin, 'GET',
      `/api/v1/merchant/alerts?activityId=${shop.activity}`), 'listing the alerts');
    return answer.items.some((a) => a.pointId === null) ? answer : null;
  });
  check(true, `the alerts API lists ${listed.items.length} low-stock alert(s) for the activity`);
  const alert = listed.items.find((a) => a.pointId === null);
  check(alert !== undefined && alert.safetyStock === 28 && alert.remaining <= 28,
    `the activity-level alert: ${alert?.remaining} left at safety stock ${alert?.safetyStock}`);
  await page.getByTestId('alerts-activity').fill(String(shop.activity));
  await page.getByTestId('alerts-show').click();
  const alertRow = page.getByTestId(`alert-${alert.id}`);
  await alertRow.waitFor({ timeout: PATIENCE });
  const cells = await alertRow.locator('td').allTextContents();
  check(cells[1] === `#${shop.activity}`, `the alert row names activity #${shop.activity}`);
  check(cells[2] === l.wholeActivity, `its point reads "${l.wholeActivity}"`);
  check(digits(cells[3]) === alert.remaining, `its remaining is ${alert.remaining} as the API says`);
  check(digits(cells[4]) === alert.safetyStock, `its safety stock is ${alert.safetyStock} as the API says`);
  check(await page.locator('[data-testid^="alert-remaining-"]').count() === listed.items.length,
    'the page lists as many alerts as the API');
  await notUnavailable(page, 'alerts', l);
  await shot(page, l.lang, 'alerts');

  check(errors.length === 0, `no script errors on the page${errors.length ? `: ${errors.join('; ')}` : ''}`);
  await context.close();
  shop.paid += buyersOfRun.length;
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const alerts = await api(tokens.admin, 'GET', '/api/v1/merchant/alerts');
  check(alerts.status === 200, `the alerts endpoint answers (${alerts.status})`);
  const points = [await point('风采楼便利店', 24.81, 113.59), await point('东河社区团购点', 24.79, 113.62)];
  await expectStatus(201, api(tokens.admin, 'POST', `/api/v1/admin/pickup-points/${points[0]}/staff`,
    { subject: staffSubject }), 'binding the clerk');
  const activity = await schedule(points);
  const funnel = await api(tokens.admin, 'GET', `/api/v1/admin/analytics/funnel?activityId=${activity}`);
  check(funnel.status === 200, `the analytics funnel endpoint answers (${funnel.status})`);
  console.log(`activity ${activity} at points ${points.join(', ')}`);
  const shop = { activity, points, paid: 0 };

  const browser = await chromium.launch({
    executablePath: process.env.FG_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [i, l] of LANGS.entries()) {
      await run(browser, l, shop, buyers.slice(i * PER_RUN, (i + 1) * PER_RUN));
    }
  } finally {
    await browser.close();
  }
  console.log(`console test passed (screenshots in ${shots})`);
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});
