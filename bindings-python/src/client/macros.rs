//! [`operations!`]: one list of operations in, the methods of `Client` and
//! of `AsyncClient` out.
//!
//! Each operation is given once: its docs, its Rust parameters, what it
//! gives back, its pyo3 `signature` (defaults from core constants) and
//! `text_signature` (checked against those constants at compile time), and
//! a body that converts the arguments, checks what can be checked before
//! any work starts (raising at the call, on both classes), and makes the
//! work: a [`Call`](crate::runtime::Call) whose future calls core and
//! converts the result. `Client` waits for that work with the GIL
//! released; `AsyncClient` returns a coroutine that runs it on the event
//! loop awaiting it. The body sees the core client as its first closure
//! parameter, and, as the optional second one, whether the caller can
//! await what Python code called back returns (`false` for `Client`).

/// `call` itself, typed: the work of an operation that gives back `T`.
pub fn returning<T, C: crate::runtime::Call<Value = T>>(call: C) -> C {
    call
}

macro_rules! operations {
    (
        $(#[$new_attr:meta])*
        new $new_sig:tt ($($new_arg:ident: $new_ty:ty),* $(,)?) => $core:expr;
        $(
            $(#[$attr:meta])*
            fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty
            where signature = $sig:tt, text = $text:literal,
                defaults = [$($kind:ident($default:ident = $value:expr)),* $(,)?];
            |$ts:ident $(, $awaits:ident)?| $body:block
        )*
    ) => {
        $(
            const _: () = {
                $(
                    assert!(
                        $crate::client::defaults::$kind($text, stringify!($default), $value),
                        concat!(
                            stringify!($name), "'s text_signature ", $text,
                            " does not show the core default of ", stringify!($default)
                        )
                    );
                )*
            };
        )*

        #[pymethods]
        impl Client {
            $(#[$new_attr])*
            #[new]
            #[pyo3(signature = $new_sig)]
            #[allow(clippy::too_many_arguments)]
            fn new($($new_arg: $new_ty),*) -> PyResult<Self> {
                Ok(Client { core: $core })
            }

            $(
                $(#[$attr])*
                #[pyo3(signature = $sig, text_signature = $text)]
                #[allow(clippy::too_many_arguments)]
                pub(crate) fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<$ret> {
                    let $ts = self.core.client()?;
                    $(let $awaits = false;)?
                    let call = $crate::client::macros::returning::<$ret, _>($body);
                    $crate::runtime::wait_calling_back(py, move |caller| {
                        $crate::runtime::Call::start(call, caller)
                    })
                }
            )*
        }

        #[pymethods]
        impl AsyncClient {
            $(#[$new_attr])*
            #[new]
            #[pyo3(signature = $new_sig)]
            #[allow(clippy::too_many_arguments)]
            fn new($($new_arg: $new_ty),*) -> PyResult<Self> {
                Ok(AsyncClient { core: $core })
            }

            $(
                $(#[$attr])*
                #[pyo3(signature = $sig, text_signature = $text)]
                #[allow(clippy::too_many_arguments)]
                pub(crate) fn $name<'py>(
                    &self,
                    py: Python<'py>,
                    $($arg: $ty),*
                ) -> PyResult<Bound<'py, PyAny>> {
                    let $ts = self.core.client()?;
                    $(let $awaits = true;)?
                    let call = $crate::client::macros::returning::<$ret, _>($body);
                    $crate::runtime::awaitable_calling_back(
                        py,
                        concat!("AsyncClient.", stringify!($name)),
                        move |caller| $crate::runtime::Call::start(call, caller),
                    )
                }
            )*
        }
    };
}
