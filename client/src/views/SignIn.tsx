import { useState, type FormEvent } from 'react';
import { signIn, type Session } from '../api/client.ts';
import { useT } from '../i18n/index.ts';

export function SignIn(props: { onDone(session: Session | null): void }) {
  const t = useT();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      props.onDone(await signIn(username, password));
    } catch (err) {
      setError(t('signInFailed', { message: (err as Error).message }));
    }
  };
  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true">
      <form className="dialog" onSubmit={submit}>
        <h2>{t('signIn')}</h2>
        <label>{t('username')}<input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" /></label>
        <label>{t('password')}<input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" autoFocus /></label>
        {error && <p className="error">{error}</p>}
        <div className="actions">
          <button type="button" onClick={() => props.onDone(null)}>{t('cancel')}</button>
          <button type="submit" className="primary">{t('signIn')}</button>
        </div>
      </form>
    </div>
  );
}
