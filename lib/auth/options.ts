import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { randomUUID } from 'node:crypto';
import { getDatabase } from '../../db/client';
import { clientIp } from '../http/client-ip';
import { isRole, type Role } from './roles';
import { signOutEverywhere } from './sessions';
import { attemptSignIn } from './sign-in';

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; clientId: string | null; sessionVersion: number | null };
  }
  interface User {
    role: Role;
    clientId: string | null;
    sessionVersion: number;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    role?: Role;
    clientId?: string | null;
    /** users.session_version at sign-in (lib/auth/sessions.ts) */
    sv?: number;
  }
}

/** next-auth hands authorize() the request headers as a plain object; clientIp() reads them. */
function headerReader(headers: Record<string, string | string[] | undefined> | undefined): { get(name: string): string | null } {
  return {
    get(name) {
      const value = headers?.[name.toLowerCase()];
      return (Array.isArray(value) ? value.join(', ') : value) ?? null;
    },
  };
}

/** The address of the request being handled (null outside one): for the sign-out's audit event. */
async function requestIp(): Promise<string | null> {
  try {
    const { headers } = await import('next/headers');
    return clientIp(await headers());
  } catch {
    return null;
  }
}

/** next-auth: email + password, JWT sessions carrying the role (SPEC 1). */
export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  pages: { signIn: '/signin' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        // A throttled attempt or a database that is down throws an Error whose message the form shows.
        const user = await attemptSignIn(
          getDatabase,
          credentials?.email ?? '',
          credentials?.password ?? '',
          clientIp(headerReader(req?.headers as Record<string, string | string[] | undefined> | undefined)),
        );
        if (!user) return null;
        return {
          id: String(user.id),
          email: user.email,
          name: user.name,
          role: user.role,
          clientId: user.clientId === null ? null : String(user.clientId),
          sessionVersion: user.sessionVersion,
        };
      },
    }),
  ],
  events: {
    // Sign-out ends every session of the user, not just this browser's cookie (issue 11): a
    // copied cookie stops working too. next-auth logs a failure here and clears the cookie anyway.
    async signOut({ token }) {
      const uid = Number(token?.uid);
      if (!Number.isSafeInteger(uid) || uid <= 0 || !isRole(token?.role)) return;
      const ip = await requestIp();
      await getDatabase().transaction((tx) =>
        signOutEverywhere(tx, uid, token.sv, {
          userId: uid,
          label: token.email ?? String(uid),
          role: token.role!,
          clientId: token.clientId ? Number(token.clientId) : null,
          source: 'console',
          requestId: randomUUID(),
          ip,
        }),
      );
    },
  },
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.clientId = user.clientId;
        token.sv = user.sessionVersion;
      }
      return token;
    },
    async session({ session, token }) {
      if (token.uid && isRole(token.role)) {
        session.user = {
          id: token.uid,
          email: token.email ?? '',
          name: token.name ?? '',
          role: token.role,
          clientId: token.clientId ?? null,
          sessionVersion: typeof token.sv === 'number' ? token.sv : null,
        };
      }
      return session;
    },
  },
};
