// #/journal/goals: add a goal, rate it from 0 to 10, and each goal's ratings as a chart
// (goal-based outcomes). Saved now, or kept in the outbox until back online.

import { api, errorMessage, newClientId } from '../api.js';
import { h, button, field, errorSummary, uid, fill, formatDate, plural } from '../ui.js';
import { sendOrQueue, listOutbox } from '../outbox.js';
import { maxLength } from '../meta.js';
import { remember, recall, dateTime } from './words.js';
import { lineChart, axisEnds, hiddenTable } from './chart.js';

export async function goals(page) {
  page.top('My goals', 'goals');
  const titleMax = (await page.limits).goal_title;
  if (!page.ctx.isCurrent()) return;
  const summary = errorSummary();
  const title = field({
    label: "A goal you'd like to work on", name: 'title',
    hint: `For example: "Get to sleep before 11 on school nights".${titleMax ? ` Up to ${titleMax} letters.` : ''}`,
    attrs: { ...maxLength(titleMax), autocomplete: 'off' },
  });
  const add = button('Add goal', { type: 'submit', class: 'btn btn-primary btn-block' });
  const status = h('div', { class: 'status-message', role: 'status' });
  const form = h('form', { class: 'form', novalidate: true }, summary.el, title.row, add);
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading your goals…'));
  page.root.append(
    h('p', {}, 'Set goals that matter to you, then rate how close you are, from 0 (not at all) to 10 (you got there). Over time you can see how things change.'),
    h('section', { class: 'section', 'aria-label': 'Add a goal' }, form, status),
    h('section', { class: 'section', 'aria-labelledby': 'goals-title' },
      h('h2', { id: 'goals-title' }, 'Your goals'), list));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    summary.hide();
    title.setError(null);
    status.replaceChildren();
    const text = title.control.value.trim();
    if (!text || (titleMax && text.length > titleMax)) {
      const msg = text ? `Please keep your goal to ${titleMax} letters.` : 'Please write your goal first.';
      title.setError(msg);
      summary.show([{ text: msg, target: title.id }]);
      return;
    }
    add.disabled = true;
    try {
      const outcome = await sendOrQueue({ kind: 'goal', path: '/goals', body: { title: text, client_id: newClientId() } });
      title.control.value = '';
      fill(status, h('p', {}, outcome.queued ? "Goal saved on this phone. It will send when you're back online." : 'Goal added.'));
      page.refresh();
    } catch (err) {
      summary.show([{ text: `We couldn't add your goal. ${errorMessage(err)}` }]);
    } finally {
      add.disabled = false;
    }
  });

  const draw = async () => {
    let goals = [];
    let failed = null;
    try {
      const data = await api('/goals');
      goals = (data && data.items) || [];
      remember(page.ctx, 'goals', goals);
    } catch (err) {
      failed = err;
      goals = (recall(page.ctx, 'goals') || []).map((g) => ({ ...g }));
    }
    const outbox = await listOutbox();
    if (!page.ctx.isCurrent()) return;
    const known = new Set(goals.map((g) => g.client_id).filter(Boolean));
    const waitingGoals = outbox.filter((i) => i.kind === 'goal' && !known.has(i.client_id))
      .map((i) => ({ id: null, client_id: i.client_id, title: i.body.title, created_at: i.created_at, ratings: [], waiting: true }));
    const all = [...waitingGoals, ...goals];
    for (const g of all) {
      const ratedIds = new Set((g.ratings || []).map((r) => r.client_id).filter(Boolean));
      const waitingRatings = outbox.filter((i) => i.kind === 'rating' && !ratedIds.has(i.client_id)
        && ((g.id && i.path === `/goals/${encodeURIComponent(g.id)}/ratings`) || (g.client_id && i.goal_client_id === g.client_id)))
        .map((i) => ({ score: i.body.score, rated_at: i.body.rated_at, waiting: true }));
      g.allRatings = [...(g.ratings || []), ...waitingRatings]
        .sort((a, b) => String(a.rated_at).localeCompare(String(b.rated_at)));
    }
    fill(list,
      failed ? h('p', {}, failed.offline
        ? "You're offline. New goals and ratings will be kept on this phone until you're back online."
        : `We couldn't load your goals. ${errorMessage(failed)}`) : null,
      all.length ? h('ul', { class: 'goal-list' }, all.map((g) => goalCard(page, g)))
        : (failed ? null : h('p', {}, 'No goals yet. Add one above.')));
  };
  page.refresh = draw;
  await draw();
}

function goalCard(page, goal) {
  const ratings = goal.allRatings || [];
  const latest = ratings[ratings.length - 1];
  const sliderId = uid('rating');
  const hintId = `${sliderId}-hint`;
  const slider = h('input', {
    type: 'range', id: sliderId, min: '0', max: '10', step: '1', value: String(latest ? latest.score : 5),
    'aria-describedby': hintId, class: 'rating-slider',
  });
  const output = h('output', { for: sliderId, class: 'rating-value' });
  const sync = () => {
    output.textContent = `${slider.value} out of 10`;
    slider.setAttribute('aria-valuetext', `${slider.value} out of 10`);
  };
  slider.addEventListener('input', sync);
  sync();
  const save = button('Save rating', { type: 'submit', variant: 'secondary' });
  const status = h('div', { class: 'status-message', role: 'status' });
  const form = h('form', { class: 'form rating-form', novalidate: true },
    h('label', { for: sliderId, class: 'label' }, 'How close are you to this goal?'),
    h('p', { class: 'hint', id: hintId }, '0 means not at all. 10 means you got there.'),
    h('div', { class: 'rating-row' }, h('span', { 'aria-hidden': 'true' }, '0'), slider, h('span', { 'aria-hidden': 'true' }, '10')),
    output,
    save, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    const body = { score: Number(slider.value), rated_at: new Date().toISOString(), client_id: newClientId() };
    const item = goal.id
      ? { kind: 'rating', path: `/goals/${encodeURIComponent(goal.id)}/ratings`, body, goal_title: goal.title }
      : { kind: 'rating', path: null, goal_client_id: goal.client_id, body, goal_title: goal.title };
    try {
      const outcome = await sendOrQueue(item);
      fill(status, h('p', {}, outcome.queued ? "Rating saved on this phone. It will send when you're back online." : 'Rating saved.'));
      const heading = form.closest('.goal-card')?.querySelector('h3');
      await page.refresh();
      // The list was redrawn: keep the person's place.
      const again = [...document.querySelectorAll('.goal-card h3')].find((el) => el.textContent === (heading && heading.textContent));
      if (again) {
        again.setAttribute('tabindex', '-1');
        again.focus();
        const card = again.closest('.goal-card');
        const newStatus = card && card.querySelector('.status-message');
        if (newStatus) fill(newStatus, h('p', {}, outcome.queued ? "Rating saved on this phone. It will send when you're back online." : 'Rating saved.'));
      }
    } catch (err) {
      fill(status, h('p', { class: 'field-error' }, `We couldn't save your rating. ${errorMessage(err)}`));
    } finally {
      save.disabled = false;
    }
  });

  let chart = null;
  if (ratings.length) {
    const times = ratings.map((r) => new Date(r.rated_at).getTime()).filter(Number.isFinite);
    const first = Math.min(...times);
    // The axis ends now: today, in Europe/London (never tomorrow); a rating with a clock
    // ahead of this phone's still fits on it.
    const last = Math.max(...times, Date.now());
    const summary = `Your ratings for “${goal.title}”: ${plural(ratings.length, 'rating', 'ratings')}. `
      + `First ${ratings[0].score} out of 10, latest ${latest.score} out of 10.`;
    chart = lineChart({
      points: ratings.map((r) => ({ x: new Date(r.rated_at).getTime(), y: r.score })).filter((p) => Number.isFinite(p.x)),
      xMin: first, xMax: last, yMin: 0, yMax: 10, yTicks: [0, 5, 10],
      xLabels: axisEnds(first, last),
      summary,
      table: hiddenTable(`Ratings for “${goal.title}”`, ['Date', 'Rating'],
        ratings.map((r) => [dateTime(r.rated_at) + (r.waiting ? ' (waiting to send)' : ''), `${r.score} out of 10`])),
    });
  }
  return h('li', { class: 'goal-card' },
    h('h3', {}, goal.title),
    goal.waiting ? h('p', { class: 'badge badge-closed' }, 'Waiting to send') : null,
    latest ? h('p', {}, `Latest rating: ${latest.score} out of 10, ${formatDate(latest.rated_at)}.`)
      : h('p', { class: 'meta' }, 'Not rated yet.'),
    chart,
    form);
}
