import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { randomUUID } from 'node:crypto';
import { getDatabase } from '../../db/client';
import { recordAudit } from '../audit';
import { DomainError } from '../errors';
import { isRole, type Role } from './roles';
import { authenticate } from './sign-in';

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; clientId: string | null };
  }
  interface User {
    role: Role;
    clientId: string | null;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    role?: Role;
    clientId?: string | null;
  }
}

function clientIp(headers: Record<string, string | string[] | undefined> | undefined): string | null {
  const forwarded = headers?.['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const real = headers?.['x-real-ip'];
  return first || (Array.isArray(real) ? real[0] : real) || null;
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
        try {
          const user = await authenticate(
            getDatabase(),
            credentials?.email ?? '',
            credentials?.password ?? '',
            clientIp(req?.headers as Record<string, string | string[] | undefined> | undefined),
          );
          if (!user) return null;
          return { id: String(user.id), email: user.email, name: user.name, role: user.role, clientId: user.clientId === null ? null : String(user.clientId) };
        } catch (error) {
          // next-auth shows a thrown error's message to the person signing in.
          if (error instanceof DomainError) throw new Error(error.message);
          throw error;
        }
      },
    }),
  ],
  events: {
    async signOut({ token }) {
      const uid = Number(token?.uid);
      if (!Number.isSafeInteger(uid) || !isRole(token?.role)) return;
      const database = getDatabase();
      await database.transaction((tx) =>
        recordAudit(
          tx,
          { userId: uid, label: token.email ?? String(uid), role: token.role!, clientId: token.clientId ? Number(token.clientId) : null, source: 'console', requestId: randomUUID(), ip: null },
          { action: 'auth.sign_out', targetType: 'user', targetId: uid },
        ),
      );
    },
  },
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.clientId = user.clientId;
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
        };
      }
      return session;
    },
  },
};
