/** Messages between the playground and its Keap simulator child (Node IPC, JSON only). */
import type { OptOutModes, RouteName, SeededKey, SimSeed } from '../../test/keap-sim';

export type ParentMessage =
  | {
      type: 'start';
      seed: SimSeed;
      validateRequests: boolean;
      optOut?: Partial<OptOutModes>;
      /**
       * Where the browser really lands when Keap redirects it to one of these URIs (the
       * script's redirect URI at script.google.com, which no browser can reach here).
       */
      browserRedirects?: Record<string, string>;
    }
  | { type: 'stop' }
  | { type: 'revoke'; id: number }
  | {
      type: 'fault';
      id: number;
      /** Routes to answer with a Keap error, e.g. ['contacts.get']. */
      routes: RouteName[];
      status: number;
      /** Keap's own words, sent as the JSON body's `message`. */
      message: string;
      times?: number;
    }
  | { type: 'clearFaults'; id: number }
  | { type: 'stats'; id: number };

export type ChildReply =
  | { type: 'ready'; url: string; apiKeys: SeededKey[]; tenants: string[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; ok: boolean; value: unknown };

/** A control command without its id (the parent numbers them). */
export type SimCommand =
  | { type: 'revoke' }
  | Omit<Extract<ParentMessage, { type: 'fault' }>, 'id'>
  | { type: 'clearFaults' }
  | { type: 'stats' };
