import { describe, expect, it } from 'vitest';
import {
  conversationView,
  isConversationOpen,
  planConversationMessage,
  withinReplyWindow,
} from '../../lambdas/domain/conversations';
import type { Profile } from '../../lambdas/domain/profile';

const profile: Profile = {
  phone: '+12125550100',
  marketing: 'subscribed',
  transactional: 'never_subscribed',
  properties: {},
  consentVersion: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const open: Profile = {
  ...profile,
  conversationOpen: 'open',
  conversationOpenedAt: '2026-04-14T10:00:00.000Z',
  conversationLastMessageAt: '2026-04-14T12:00:00.000Z',
  conversationLastInboundAt: '2026-04-14T12:00:00.000Z',
  conversationLastInboundId: 'in-2',
};
const at = (iso: string) => new Date(iso);

describe('conversations', () => {
  it('is open until autoCloseHours after its last message, then closed by inactivity', () => {
    expect(isConversationOpen(open, at('2026-04-16T11:59:59Z'), 48)).toBe(true);
    expect(isConversationOpen(open, at('2026-04-16T12:00:00Z'), 48)).toBe(false);
    expect(conversationView(open, at('2026-04-16T13:00:00Z'), 48)).toMatchObject({
      state: 'closed',
      closedBy: 'inactivity',
      closedAt: '2026-04-16T12:00:00.000Z',
    });
    expect(conversationView(open, at('2026-04-15T13:00:00Z'), 48)).toMatchObject({
      state: 'open',
      closesAt: '2026-04-16T12:00:00.000Z',
    });
  });

  it('has no view for a number that never sent a free text', () => {
    expect(conversationView(profile, at('2026-04-14T12:00:00Z'), 48)).toBeUndefined();
    expect(isConversationOpen(undefined, at('2026-04-14T12:00:00Z'), 48)).toBe(false);
  });

  it('opens a conversation on the first message and keeps it on the next', () => {
    const first = planConversationMessage(
      profile,
      { at: '2026-04-14T10:00:00.000Z', direction: 'inbound', inboundMessageId: 'in-1' },
      at('2026-04-14T10:00:00Z'),
      48,
    );
    expect(first).toEqual({
      openedAt: '2026-04-14T10:00:00.000Z',
      opens: true,
      lastMessageAt: '2026-04-14T10:00:00.000Z',
      lastInbound: { at: '2026-04-14T10:00:00.000Z', messageId: 'in-1' },
    });
    const next = planConversationMessage(
      open,
      { at: '2026-04-14T13:00:00.000Z', direction: 'outbound' },
      at('2026-04-14T13:00:00Z'),
      48,
    );
    expect(next).toEqual({
      openedAt: '2026-04-14T10:00:00.000Z',
      opens: false,
      lastMessageAt: '2026-04-14T13:00:00.000Z',
    });
  });

  it('moves no time back for a late delivery, and reopens a closed or expired one', () => {
    const late = planConversationMessage(
      open,
      { at: '2026-04-14T11:00:00.000Z', direction: 'inbound', inboundMessageId: 'in-1' },
      at('2026-04-14T13:00:00Z'),
      48,
    );
    expect(late).toEqual({
      openedAt: open.conversationOpenedAt,
      opens: false,
      lastMessageAt: '2026-04-14T12:00:00.000Z',
    });
    const closed = { ...open, conversationOpen: undefined, conversationClosedAt: '2026-04-14T12:30:00.000Z' };
    expect(
      planConversationMessage(
        closed,
        { at: '2026-04-14T14:00:00.000Z', direction: 'outbound' },
        at('2026-04-14T14:00:00Z'),
        48,
      ),
    ).toMatchObject({ opens: true, openedAt: '2026-04-14T14:00:00.000Z' });
    expect(
      planConversationMessage(
        open,
        { at: '2026-04-20T14:00:00.000Z', direction: 'outbound' },
        at('2026-04-20T14:00:00Z'),
        48,
      ),
    ).toMatchObject({ opens: true, openedAt: '2026-04-20T14:00:00.000Z' });
  });

  it('keeps replies out of quiet hours only within the window after the last text', () => {
    expect(withinReplyWindow(open, at('2026-04-15T11:59:00Z'), 24)).toBe(true);
    expect(withinReplyWindow(open, at('2026-04-15T12:00:00Z'), 24)).toBe(false);
    expect(withinReplyWindow(open, at('2026-04-14T12:01:00Z'), 0)).toBe(false);
  });
});
